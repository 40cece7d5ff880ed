import { planTracing } from '../../../src/telemetry/tracing-plan';

describe('planTracing (which OTEL_* variables send spans where)', () => {
  it('exports nothing when no OTLP endpoint is set', () => {
    expect(planTracing({})).toEqual({ enabled: true, export: { kind: 'none' }, warnings: [] });
  });

  it('exports over OTLP http/protobuf when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(planTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).export).toEqual({
      kind: 'otlp',
      protocol: 'http/protobuf',
    });
  });

  it('also exports when only the traces-specific endpoint is set', () => {
    expect(
      planTracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).export.kind,
    ).toBe('otlp');
  });

  it('uses gRPC when the (traces) protocol says grpc, the traces variable winning', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' };
    expect(planTracing({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).export).toEqual({
      kind: 'otlp',
      protocol: 'grpc',
    });
    expect(
      planTracing({
        ...endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      }).export,
    ).toEqual({ kind: 'otlp', protocol: 'http/protobuf' });
  });

  it('warns about http/json and falls back to http/protobuf', () => {
    const plan = planTracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(plan.export).toEqual({ kind: 'otlp', protocol: 'http/protobuf' });
    expect(plan.warnings).toEqual([expect.stringContaining('http/json')]);
  });

  it('exports nothing when OTEL_TRACES_EXPORTER=none, even with an endpoint', () => {
    expect(
      planTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })
        .export.kind,
    ).toBe('none');
  });

  it('warns about unsupported exporters and about otlp without an endpoint', () => {
    expect(planTracing({ OTEL_TRACES_EXPORTER: 'zipkin' }).warnings).toEqual([
      expect.stringContaining('zipkin'),
    ]);
    expect(planTracing({ OTEL_TRACES_EXPORTER: 'otlp' }).warnings).toEqual([
      expect.stringContaining('no OTEL_EXPORTER_OTLP_ENDPOINT'),
    ]);
  });

  it('installs no SDK when OTEL_SDK_DISABLED=true', () => {
    expect(
      planTracing({ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })
        .enabled,
    ).toBe(false);
    expect(planTracing({ OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
  });
});
