import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import type { TelemetryConfig } from '../../../src/config';
import { silentLogger, type Logger } from '../../../src/telemetry/logger';
import { startTelemetry, type Telemetry } from '../../../src/telemetry/start-telemetry';

/** Telemetry config for tests: no HTTP server unless a port is asked for. */
export function testTelemetryConfig(overrides: Partial<TelemetryConfig> = {}): TelemetryConfig {
  return {
    serviceName: null,
    metricsHost: '127.0.0.1',
    metricsPort: null,
    shutdownTimeoutMs: 2000,
    ...overrides,
  };
}

/** The SDK installed with an in-memory exporter; `spans()` flushes then lists what ended. */
export interface RecordingTelemetry {
  readonly telemetry: Telemetry;
  readonly exporter: InMemorySpanExporter;
  spans(): Promise<ReadableSpan[]>;
}

export async function recordSpans(
  options: {
    config?: Partial<TelemetryConfig>;
    env?: Record<string, string>;
    logger?: Logger;
  } = {},
): Promise<RecordingTelemetry> {
  const exporter = new InMemorySpanExporter();
  const telemetry = await startTelemetry({
    serviceName: 'intelroute-test',
    instanceId: 'test-1',
    config: testTelemetryConfig(options.config),
    logger: options.logger ?? silentLogger(),
    env: options.env ?? {},
    spanExporter: exporter,
  });
  return {
    telemetry,
    exporter,
    spans: async () => {
      await telemetry.forceFlush();
      return exporter.getFinishedSpans();
    },
  };
}

/** The one span called `name`; fails the test when there are none or several. */
export function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}`);
  return found[0] as ReadableSpan;
}
