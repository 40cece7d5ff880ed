import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createIntelrouteMetrics, type IntelrouteMetrics } from './intelroute-metrics';
import { INSTRUMENTATION_SCOPE } from './tracer';

/** The meter provider and the Prometheus pull exporter behind `/metrics`. */
export interface MetricsHandle {
  readonly instruments: IntelrouteMetrics;
  /** Answers a scrape with the text exposition format. */
  serve(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

/**
 * A MeterProvider with the Prometheus exporter as its reader, registered as the global one. The
 * exporter's own server is not started: `/metrics` is served by the health server, so one port
 * carries metrics and probes.
 */
export function startMetrics(resource: Resource): MetricsHandle {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ resource, readers: [exporter] });
  metrics.setGlobalMeterProvider(provider);
  return {
    instruments: createIntelrouteMetrics(provider.getMeter(INSTRUMENTATION_SCOPE)),
    serve: (request, response) => exporter.getMetricsRequestHandler(request, response),
    shutdown: async () => {
      try {
        await provider.shutdown();
      } finally {
        metrics.disable();
      }
    },
  };
}
