import { SpanStatusCode } from '@opentelemetry/api';
import { IntelrouteError } from '../../../src/core/errors';
import {
  endReceiveSpan,
  gatewayReceiveSpan,
  recordDecision,
  sendSpan,
} from '../../../src/telemetry/gateway-spans';
import type { GrpcMetadataLike } from '../../../src/telemetry/grpc-metadata-carrier';
import { readerProcessSpan } from '../../../src/telemetry/reader-spans';
import { only, recordSpans, type RecordingTelemetry } from './telemetry-fixtures';

describe('span helpers never throw into the app', () => {
  let recording: RecordingTelemetry;
  beforeEach(async () => {
    recording = await recordSpans();
  });
  afterEach(() => recording.telemetry.shutdown());

  it('starts a usable receive span when the metadata itself throws', async () => {
    const hostile = {
      get: () => {
        throw new Error('metadata exploded');
      },
      getMap: () => {
        throw new Error('metadata exploded');
      },
    } as unknown as GrpcMetadataLike;
    const receive = gatewayReceiveSpan({ method: 'Publish', metadata: hostile });
    expect(receive.traceIds.traceId).toMatch(/^[0-9a-f]{32}$/);
    receive.end();
    expect(
      only(await recording.spans(), 'intelroute.v1.IntelGateway/Publish').parentSpanContext,
    ).toBeUndefined();
  });

  it('starts a root process span when the record headers are garbage', async () => {
    const process = readerProcessSpan({
      headers: { traceparent: Buffer.from([0xff, 0xfe]), tracestate: [] },
      topic: 'intel.v1.secretariat',
      partition: 0,
      offset: 'not-a-number',
      group: 'g',
    });
    process.end();
    const span = only(await recording.spans(), 'process intel.v1.secretariat');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes['messaging.kafka.offset']).toBe('not-a-number');
  });

  it('ends a span once, and ignores calls on an ended span', async () => {
    const receive = gatewayReceiveSpan({ method: 'Publish' });
    receive.end();
    receive.end();
    receive.setAttribute('late', 'value');
    receive.fail(new Error('late'));
    endReceiveSpan(receive, 'INTERNAL');
    const spans = await recording.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes.late).toBeUndefined();
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('rethrows what the work run inside a span throws, and returns what it returns', () => {
    const receive = gatewayReceiveSpan({ method: 'Publish' });
    expect(receive.run(() => 42)).toBe(42);
    expect(() =>
      receive.run(() => {
        throw new RangeError('the caller’s own');
      }),
    ).toThrow(RangeError);
  });

  it('records a failure by its code, never by its message', async () => {
    const send = sendSpan(gatewayReceiveSpan({ method: 'Publish' }), {
      topic: 't',
      messageId: 'm',
      key: 'k',
    });
    send.fail(new IntelrouteError('KAFKA_UNAVAILABLE', 'broker said: secret-detail'));
    send.end();
    const span = only(await recording.spans(), 'send t');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'KAFKA_UNAVAILABLE' });
    expect(span.attributes['error.type']).toBe('KAFKA_UNAVAILABLE');
    expect(JSON.stringify(span.attributes)).not.toContain('secret-detail');
    expect(span.events).toEqual([]);
  });

  it('leaves a refusal (the caller’s fault) unset, and marks a server fault as an error', async () => {
    const refused = gatewayReceiveSpan({ method: 'Publish', message: { messageId: 'refused' } });
    recordDecision(refused, { kind: 'refused', reason: 'SCHEMA_VIOLATION' });
    endReceiveSpan(refused, 'INVALID_ARGUMENT');
    const failed = gatewayReceiveSpan({ method: 'PublishStream' });
    endReceiveSpan(failed, 'UNAVAILABLE');
    const spans = await recording.spans();
    const refusedSpan = only(spans, 'intelroute.v1.IntelGateway/Publish');
    expect(refusedSpan.status.code).toBe(SpanStatusCode.UNSET);
    expect(refusedSpan.attributes).toMatchObject({
      'intelroute.decision': 'refused',
      'intelroute.decision.reason': 'SCHEMA_VIOLATION',
      'rpc.grpc.status_code': 3,
    });
    const failedSpan = only(spans, 'intelroute.v1.IntelGateway/PublishStream');
    expect(failedSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(failedSpan.attributes['rpc.grpc.status_code']).toBe(14);
  });

  it('cuts attribute text a sender controls to 256 characters', async () => {
    const receive = gatewayReceiveSpan({
      method: 'Publish',
      message: { messageType: 'x'.repeat(5000) },
    });
    receive.end();
    const span = only(await recording.spans(), 'intelroute.v1.IntelGateway/Publish');
    expect(span.attributes['intelroute.message_type']).toBe('x'.repeat(256));
  });
});
