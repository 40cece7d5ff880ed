import Module from 'node:module';
import { Metadata } from '@grpc/grpc-js';
import { context, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { gatewayReceiveSpan, sendSpan, validateSpan } from '../../../src/telemetry/gateway-spans';
import { injectTraceHeaders } from '../../../src/telemetry/kafka-headers-carrier';
import { silentLogger } from '../../../src/telemetry/logger';
import { startTelemetry } from '../../../src/telemetry/start-telemetry';
import { parseTraceparent } from '../../../src/telemetry/trace-context';
import { recordSpans, testTelemetryConfig } from './telemetry-fixtures';

/** An exporter that keeps what it is handed and counts shutdowns. */
class KeepingExporter implements SpanExporter {
  readonly exported: ReadableSpan[] = [];
  shutdowns = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exported.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {
    this.shutdowns += 1;
  }
}

/** Sets process variables for one test (the SDK reads some of them from process.env itself). */
function withProcessEnv(values: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** The SDK as the gateway starts it with no OTLP endpoint: nothing exported. */
function startWithoutExporter(): ReturnType<typeof startTelemetry> {
  return startTelemetry({
    serviceName: 'intelroute-gateway',
    config: testTelemetryConfig(),
    logger: silentLogger(),
    env: {},
  });
}

function metadataWith(values: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(values)) metadata.set(key, value);
  return metadata;
}

describe('startTelemetry', () => {
  it('flushes the spans still buffered when shut down, once however often it is called', async () => {
    const exporter = new KeepingExporter();
    const telemetry = await startTelemetry({
      serviceName: 'intelroute-gateway',
      config: testTelemetryConfig(),
      logger: silentLogger(),
      env: {},
      spanExporter: exporter,
    });
    gatewayReceiveSpan({ method: 'Publish' }).end();
    expect(exporter.exported).toHaveLength(0); // batched, not yet sent
    await Promise.all([telemetry.shutdown(), telemetry.shutdown()]);
    await telemetry.shutdown();
    expect(exporter.exported.map((span) => span.name)).toEqual([
      'intelroute.v1.IntelGateway/Publish',
    ]);
    expect(exporter.shutdowns).toBe(1);
  });

  it('hooks no require(): kafkajs loads a protocol module per request, which a hook resolves each time', async () => {
    const unhooked = Module.prototype.require;
    const telemetry = await startTelemetry({
      serviceName: 'intelroute-gateway',
      config: testTelemetryConfig({ metricsPort: 0 }),
      logger: silentLogger(),
      env: {},
    });
    try {
      expect(Module.prototype.require).toBe(unhooked);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('leaves the API a no-op after shutdown, and can be started again', async () => {
    const first = await recordSpans();
    expect(gatewayReceiveSpan({ method: 'Publish' }).span.isRecording()).toBe(true);
    await first.telemetry.shutdown();
    expect(gatewayReceiveSpan({ method: 'Publish' }).span.isRecording()).toBe(false);
    const second = await recordSpans();
    gatewayReceiveSpan({ method: 'Publish' }).end();
    expect(await second.spans()).toHaveLength(1);
    await second.telemetry.shutdown();
  });

  it('names the service from OTEL_SERVICE_NAME over the config over the role, and adds OTEL_RESOURCE_ATTRIBUTES', async () => {
    const restore = withProcessEnv({
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging',
    });
    try {
      const recording = await recordSpans({ config: { serviceName: 'from-config' } });
      gatewayReceiveSpan({ method: 'Publish' }).end();
      const [span] = await recording.spans();
      await recording.telemetry.shutdown();
      expect(span!.resource.attributes).toMatchObject({
        'service.name': 'from-env',
        'service.namespace': 'intelroute',
        'service.instance.id': 'test-1',
        'deployment.environment.name': 'staging',
      });
    } finally {
      restore();
    }
    const recording = await recordSpans({ config: { serviceName: 'from-config' } });
    gatewayReceiveSpan({ method: 'Publish' }).end();
    const [span] = await recording.spans();
    await recording.telemetry.shutdown();
    expect(span!.resource.attributes['service.name']).toBe('from-config');
  });

  it('honours OTEL_TRACES_SAMPLER: nothing recorded, yet valid ids and an unsampled traceparent', async () => {
    const restore = withProcessEnv({ OTEL_TRACES_SAMPLER: 'always_off' });
    try {
      const recording = await recordSpans();
      const receive = gatewayReceiveSpan({ method: 'Publish' });
      const send = sendSpan(receive, { topic: 't', messageId: 'm', key: 'k' });
      send.end();
      receive.end();
      expect(await recording.spans()).toEqual([]);
      expect(receive.traceIds.sampled).toBe(false);
      expect(parseTraceparent(send.headers.traceparent)).toMatchObject({
        traceId: receive.traceIds.traceId,
        spanId: send.traceIds.spanId,
        sampled: false,
      });
      await recording.telemetry.shutdown();
    } finally {
      restore();
    }
  });

  it('records no span when nothing exports them, yet carries the trace and its sampled flag', async () => {
    const telemetry = await startWithoutExporter();
    try {
      const root = gatewayReceiveSpan({ method: 'Publish' });
      const send = sendSpan(root, { topic: 't', messageId: 'm', key: 'k' });
      expect(root.span.isRecording()).toBe(false);
      expect(root.traceIds.sampled).toBe(true);
      expect(parseTraceparent(send.headers.traceparent)).toMatchObject({
        traceId: root.traceIds.traceId,
        spanId: send.traceIds.spanId,
        sampled: true,
      });
      expect(send.traceIds.spanId).not.toBe(root.traceIds.spanId);
      // Internal steps are not even given an id of their own; ending one leaves the root open.
      const step = validateSpan(root);
      expect(step.run(() => 42)).toBe(42);
      step.end();
      expect(step.traceIds).toEqual(root.traceIds);
      const unsampledParent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`;
      const child = gatewayReceiveSpan({
        method: 'Publish',
        metadata: metadataWith({ traceparent: unsampledParent }),
      });
      expect(child.traceIds).toMatchObject({ traceId: 'a'.repeat(32), sampled: false });
      expect(
        parseTraceparent(
          sendSpan(child, { topic: 't', messageId: 'm', key: 'k' }).headers.traceparent,
        ),
      ).toMatchObject({ traceId: 'a'.repeat(32), sampled: false });
    } finally {
      await telemetry.shutdown();
    }
  });

  it('writes an unrecorded send the headers the W3C propagator writes, with no context manager', async () => {
    const telemetry = await startWithoutExporter();
    try {
      const receive = gatewayReceiveSpan({
        method: 'Publish',
        metadata: metadataWith({
          traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`,
          tracestate: 'vendor=abc,other=1',
        }),
      });
      const send = sendSpan(receive, { topic: 't', messageId: 'm', key: 'k' });
      // What the registered propagator writes for the send's own context, header for header.
      const viaPropagator = injectTraceHeaders(send.context);
      expect(send.headers).toEqual(viaPropagator);
      expect(send.headers).toEqual({
        traceparent: `00-${'c'.repeat(32)}-${send.traceIds.spanId}-01`,
        tracestate: 'vendor=abc,other=1',
      });
      // No context manager is installed for spans nobody records: `run` runs, nothing is active.
      expect(send.run(() => trace.getSpanContext(context.active()))).toBeUndefined();
      const bare = sendSpan(gatewayReceiveSpan({ method: 'Publish' }), {
        topic: 't',
        messageId: 'm',
        key: 'k',
      });
      expect(bare.headers).toEqual(injectTraceHeaders(bare.context));
      expect(Object.keys(bare.headers)).toEqual(['traceparent']);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('installs the context manager when spans are recorded without an exporter (a sampler set)', async () => {
    const restore = withProcessEnv({ OTEL_TRACES_SAMPLER: 'always_on' });
    const telemetry = await startWithoutExporter();
    try {
      const receive = gatewayReceiveSpan({ method: 'Publish' });
      const inside = await receive.run(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return trace.getSpanContext(context.active())?.spanId;
      });
      expect(inside).toBe(receive.traceIds.spanId);
    } finally {
      await telemetry.shutdown();
      restore();
    }
  });

  it('lets a propagator registered first write the headers (a level-2 traceparent here)', async () => {
    const levelTwo: TextMapPropagator = {
      inject: (ctx, carrier, setter) => {
        const ids = trace.getSpanContext(ctx);
        if (ids !== undefined)
          setter.set(carrier, 'traceparent', `00-${ids.traceId}-${ids.spanId}-03`);
      },
      extract: (ctx) => ctx,
      fields: () => ['traceparent'],
    };
    propagation.setGlobalPropagator(levelTwo);
    const telemetry = await startWithoutExporter();
    try {
      const send = sendSpan(gatewayReceiveSpan({ method: 'Publish' }), {
        topic: 't',
        messageId: 'm',
        key: 'k',
      });
      expect(send.headers).toEqual({
        traceparent: `00-${send.traceIds.traceId}-${send.traceIds.spanId}-03`,
      });
    } finally {
      await telemetry.shutdown();
      propagation.disable();
    }
  });

  it('installs nothing when OTEL_SDK_DISABLED=true, but still serves the probes', async () => {
    const telemetry = await startTelemetry({
      serviceName: 'intelroute-gateway',
      config: testTelemetryConfig({ metricsPort: 0 }),
      logger: silentLogger(),
      env: { OTEL_SDK_DISABLED: 'true' },
      ready: () => true,
    });
    try {
      expect(telemetry.tracing).toBe(false);
      expect(gatewayReceiveSpan({ method: 'Publish' }).span.isRecording()).toBe(false);
      const base = `http://127.0.0.1:${telemetry.metricsPort}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('fails to start when the metrics port is taken, leaving no SDK installed', async () => {
    const blocker = await startTelemetry({
      serviceName: 's',
      config: testTelemetryConfig({ metricsPort: 0 }),
      logger: silentLogger(),
      env: { OTEL_SDK_DISABLED: 'true' },
    });
    try {
      await expect(
        startTelemetry({
          serviceName: 's',
          config: testTelemetryConfig({ metricsPort: blocker.metricsPort }),
          logger: silentLogger(),
          env: {},
        }),
      ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      expect(trace.getTracer('x').startSpan('y').isRecording()).toBe(false);
    } finally {
      await blocker.shutdown();
    }
  });
});
