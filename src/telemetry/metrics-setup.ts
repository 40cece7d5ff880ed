import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { createIntelrouteMetrics, type IntelrouteMetrics } from './intelroute-metrics';
import { GC_DURATION_BUCKETS_SECONDS, RUNTIME_METRIC } from './metric-names';
import { scrapeHandler } from './prometheus-scrape';
import { startRuntimeMetrics } from './runtime-metrics';
import { INSTRUMENTATION_SCOPE } from './tracer';

/** The meter provider and the Prometheus pull exporter behind `/metrics`. */
export interface MetricsHandle {
  readonly instruments: IntelrouteMetrics;
  /** Answers a scrape with the text exposition format. */
  serve(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

/** Finer GC pause buckets than the runtime instrumentation's (its first bound is 5 ms). */
const VIEWS: ViewOptions[] = [
  {
    instrumentName: RUNTIME_METRIC.gcDuration,
    aggregation: {
      type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
      options: { boundaries: [...GC_DURATION_BUCKETS_SECONDS] },
    },
  },
];

/**
 * A MeterProvider with the Prometheus exporter as its reader and the runtime metrics, registered
 * as the global one. The exporter's own server is not started: `/metrics` is served by the
 * health server, so one port carries metrics and probes.
 */
export function startMetrics(resource: Resource): MetricsHandle {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ resource, readers: [exporter], views: VIEWS });
  const stopRuntime = startRuntimeMetrics(provider); // before the provider is the global one
  metrics.setGlobalMeterProvider(provider);
  return {
    instruments: createIntelrouteMetrics(provider.getMeter(INSTRUMENTATION_SCOPE)),
    serve: scrapeHandler(exporter),
    shutdown: async () => {
      stopRuntime();
      try {
        await provider.shutdown();
      } finally {
        metrics.disable();
      }
    },
  };
}
