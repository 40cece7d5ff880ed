import {
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { InstrumentKind } from './metric-names';

/**
 * OpenTelemetry → Prometheus names, as the OpenTelemetry "Prometheus and OpenMetrics
 * compatibility" spec says and `@opentelemetry/exporter-prometheus` (0.223) does only in part:
 * the exporter turns dots into underscores and adds `_total` to counters, but adds no unit
 * suffix, so `rpc.server.call.duration` (s) would come out as `rpc_server_call_duration`. Here the
 * unit is appended before serialising: `rpc_server_call_duration_seconds`,
 * `process_memory_usage_bytes`, `nodejs_eventloop_utilization_ratio`.
 */

/** Prometheus words for UCUM units; anything else is kept as written. */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  '%': 'percent',
};

/**
 * The suffix a unit adds (without the underscore): '' for none, for `{annotations}`, and for
 * `1` except on a gauge (`ratio`). `a/b` becomes `a_per_b`.
 */
export function unitSuffix(unit: string, kind: InstrumentKind): string {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim();
  if (bare === '') return '';
  if (bare === '1') return kind === 'gauge' ? 'ratio' : '';
  const [numerator = '', denominator] = bare.split('/', 2);
  const words = [word(numerator)];
  if (denominator !== undefined && denominator !== '') words.push(`per_${word(denominator)}`);
  return words
    .filter((w) => w !== '')
    .join('_')
    .replace(/[^a-zA-Z0-9_]/g, '_');
}

function word(unit: string): string {
  return UNIT_WORDS[unit] ?? unit;
}

/** The OpenTelemetry name with its unit suffix, dots still in (the exporter replaces them). */
export function withUnitSuffix(name: string, unit: string, kind: InstrumentKind): string {
  const suffix = unitSuffix(unit, kind);
  if (suffix === '') return name;
  const sanitized = sanitize(name);
  return sanitized.endsWith(`_${suffix}`) || sanitized.endsWith(`_${suffix}_total`)
    ? name
    : `${name}_${suffix}`;
}

/**
 * The series names Prometheus shows for an instrument: `<name>[_unit]_total` for a counter,
 * `<name>[_unit]` for a gauge, `_bucket`, `_sum` and `_count` of it for a histogram.
 */
export function prometheusSeriesNames(name: string, unit: string, kind: InstrumentKind): string[] {
  const base = sanitize(withUnitSuffix(name, unit, kind));
  switch (kind) {
    case 'counter':
      return [base.endsWith('_total') ? base : `${base}_total`];
    case 'gauge':
      return [base];
    case 'histogram':
      return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
  }
}

/** Metric data renamed with unit suffixes (a shallow copy; the SDK's data is left as it is). */
export function withUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    resource: resourceMetrics.resource,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope): ScopeMetrics => ({
      scope: scope.scope,
      metrics: scope.metrics.map(renamed),
    })),
  };
}

function renamed(metric: MetricData): MetricData {
  const name = withUnitSuffix(metric.descriptor.name, metric.descriptor.unit, kindOf(metric));
  return name === metric.descriptor.name
    ? metric
    : { ...metric, descriptor: { ...metric.descriptor, name } };
}

function kindOf(metric: MetricData): InstrumentKind {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    default:
      return 'histogram';
  }
}

/** What the exporter does to a name: anything outside [a-zA-Z0-9_] becomes an underscore, once. */
function sanitize(name: string): string {
  return name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
}
