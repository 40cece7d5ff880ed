import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import { observeBatch } from './instrument-calls';
import { METRIC } from './metric-names';
import { safely } from './never-throw';
import { INSTRUMENTATION_SCOPE } from './tracer';

/** Event-loop delay sampling interval (ms): the delay gauges include it (an idle loop shows ~10 ms). */
export const EVENT_LOOP_SAMPLING_MS = 10;

/**
 * Runtime metrics on `provider`: event-loop delay, utilisation and time, GC pauses, heap spaces
 * and active handles (`@opentelemetry/instrumentation-runtime-node`), plus the process's RSS and
 * CPU time. Everything is read at collection time except GC pauses (one histogram record per
 * GC) and the delay histogram (a libuv timer every {@link EVENT_LOOP_SAMPLING_MS} ms). Call it
 * before the provider becomes the global one: the instrumentation binds to whatever global
 * provider exists when it is constructed, then to `provider`, and would report twice to the same
 * one. Returns the stop call (idempotent, never throws).
 */
export function startRuntimeMetrics(provider: MeterProvider): () => void {
  const runtime = safely(
    'starting runtime metrics',
    () => {
      const instrumentation = new RuntimeNodeInstrumentation({
        enabled: false,
        monitoringPrecision: EVENT_LOOP_SAMPLING_MS,
      });
      instrumentation.setMeterProvider(provider);
      instrumentation.enable();
      return instrumentation;
    },
    () => undefined,
  );
  const stopProcess = observeProcess(provider);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    stopProcess();
    if (runtime !== undefined) {
      safely(
        'stopping runtime metrics',
        () => runtime.disable(),
        () => undefined,
      );
    }
  };
}

/** process.memory.usage (RSS, By) and process.cpu.time (s, by cpu.mode), read at collection. */
function observeProcess(provider: MeterProvider): () => void {
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  const memory = meter.createObservableGauge(METRIC.processMemoryUsage, {
    description: 'Resident set size of the process',
    unit: 'By',
  });
  const cpu = meter.createObservableCounter(METRIC.processCpuTime, {
    description: 'CPU time used by the process, by mode',
    unit: 's',
  });
  const user = Object.freeze({ 'cpu.mode': 'user' });
  const system = Object.freeze({ 'cpu.mode': 'system' });
  return observeBatch(meter, [memory, cpu], (result) => {
    result.observe(memory, process.memoryUsage.rss());
    const usage = process.cpuUsage(); // microseconds
    result.observe(cpu, usage.user / 1e6, user);
    result.observe(cpu, usage.system / 1e6, system);
  });
}
