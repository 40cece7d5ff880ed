/** Where spans go, decided once from the standard OTEL_* variables. */
export type SpanExport =
  | { readonly kind: 'none' }
  | { readonly kind: 'otlp'; readonly protocol: 'http/protobuf' | 'grpc' };

export interface TracingPlan {
  /** False when OTEL_SDK_DISABLED=true: no SDK is installed (the API stays a no-op). */
  readonly enabled: boolean;
  readonly export: SpanExport;
  /** Values that were ignored, to log once at start. */
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Spans are exported over OTLP only when an endpoint is configured
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT): a gateway without a
 * collector must not retry exports to localhost forever. OTEL_TRACES_EXPORTER may say `otlp` or
 * `none`; OTEL_EXPORTER_OTLP[_TRACES]_PROTOCOL picks `http/protobuf` (the default) or `grpc`.
 * Everything else about the export (headers, timeout, compression, TLS) the exporter reads from
 * the same variables itself.
 */
export function planTracing(env: Env): TracingPlan {
  if (/^true$/i.test(text(env.OTEL_SDK_DISABLED) ?? '')) {
    return { enabled: false, export: { kind: 'none' }, warnings: [] };
  }
  const warnings: string[] = [];
  const exporters = (text(env.OTEL_TRACES_EXPORTER) ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  for (const name of exporters.filter((n) => n !== 'otlp' && n !== 'none')) {
    warnings.push(`OTEL_TRACES_EXPORTER=${name} is not supported (otlp, none); ignored`);
  }
  const endpoint =
    text(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? text(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const wantsOtlp = exporters.length === 0 || exporters.includes('otlp');
  if (exporters.includes('none') || !wantsOtlp || endpoint === undefined) {
    if (exporters.includes('otlp') && endpoint === undefined) {
      warnings.push('OTEL_TRACES_EXPORTER=otlp but no OTEL_EXPORTER_OTLP_ENDPOINT: not exporting');
    }
    return { enabled: true, export: { kind: 'none' }, warnings };
  }
  return { enabled: true, export: { kind: 'otlp', protocol: protocolOf(env, warnings) }, warnings };
}

function protocolOf(env: Env, warnings: string[]): 'http/protobuf' | 'grpc' {
  const protocol =
    text(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? text(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol === undefined || protocol === 'http/protobuf') return 'http/protobuf';
  if (protocol === 'grpc') return 'grpc';
  warnings.push(
    `OTLP protocol ${protocol} is not supported (http/protobuf, grpc); using http/protobuf`,
  );
  return 'http/protobuf';
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
