import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import { PrometheusSerializer, type PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { withUnitSuffixes } from './prometheus-names';

/** The Prometheus text exposition format, version 0.0.4 (what Prometheus 2 and 3 parse). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Answers a scrape from the exporter's collection, names given their unit suffix
 * (prometheus-names.ts), with the exporter's own serializer and defaults (scope labels,
 * `target_info`). A failed collection answers 500, so Prometheus marks the target down instead of
 * storing an empty scrape.
 */
export function scrapeHandler(
  exporter: PrometheusExporter,
): (request: IncomingMessage, response: ServerResponse) => void {
  const serializer = new PrometheusSerializer();
  return (_request, response) => {
    exporter.collect().then(
      ({ resourceMetrics, errors }) => {
        if (errors.length > 0) diag.error('intelroute metrics: collection errors', ...errors);
        const body = serializer.serialize(withUnitSuffixes(resourceMetrics));
        response.statusCode = 200;
        response.setHeader('content-type', PROMETHEUS_CONTENT_TYPE);
        response.end(body);
      },
      (error: unknown) => {
        diag.error('intelroute metrics: collection failed', error);
        response.statusCode = 500;
        response.setHeader('content-type', 'text/plain; charset=utf-8');
        response.end('# metrics collection failed\n');
      },
    );
  };
}
