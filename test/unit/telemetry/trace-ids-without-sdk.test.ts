import { Metadata } from '@grpc/grpc-js';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import {
  extractTraceContext,
  injectTraceHeaders,
} from '../../../src/telemetry/kafka-headers-carrier';
import { gatewayReceiveSpan, sendSpan } from '../../../src/telemetry/gateway-spans';
import { readerProcessSpan } from '../../../src/telemetry/reader-spans';
import { childContext, parseTraceparent } from '../../../src/telemetry/trace-context';
import { currentTraceIds } from '../../../src/telemetry/trace-ids';

// No startTelemetry in this file: the OpenTelemetry API is its no-op self, as in library tests
// and in commands that start no telemetry.

const W3C_TRACE = /^(?!0{32})[0-9a-f]{32}$/;
const W3C_SPAN = /^(?!0{16})[0-9a-f]{16}$/;

describe('trace ids with no SDK installed', () => {
  it('draws distinct, well-formed ids across many refills of the random pool', () => {
    const roots = Array.from({ length: 5_000 }, () => childContext(undefined));
    expect(
      roots.every((c) => /^[0-9a-f]{32}$/.test(c.traceId) && /^[0-9a-f]{16}$/.test(c.spanId)),
    ).toBe(true);
    expect(new Set(roots.map((c) => c.traceId)).size).toBe(roots.length);
    expect(new Set(roots.map((c) => c.spanId)).size).toBe(roots.length);
  });

  it('currentTraceIds falls back to fresh W3C ids outside any span', () => {
    const first = currentTraceIds();
    const second = currentTraceIds();
    expect(first.traceId).toMatch(W3C_TRACE);
    expect(first.spanId).toMatch(W3C_SPAN);
    expect(second.traceId).not.toBe(first.traceId);
  });

  it('gives a receive span with no caller trace valid ids that its record headers and readers share', () => {
    const receive = gatewayReceiveSpan({ method: 'Publish' });
    expect(receive.span.isRecording()).toBe(false);
    expect(receive.traceIds.traceId).toMatch(W3C_TRACE);
    const send = sendSpan(receive, { topic: 'intel.v1.secretariat', messageId: 'm-1', key: 'm-1' });
    expect(send.traceIds.traceId).toBe(receive.traceIds.traceId);
    const carried = parseTraceparent(send.headers.traceparent);
    expect(carried?.traceId).toBe(receive.traceIds.traceId);
    const process = readerProcessSpan({
      headers: { traceparent: Buffer.from(send.headers.traceparent ?? '') },
      topic: 'intel.v1.secretariat',
      partition: 0,
      offset: '0',
      group: 'intelroute.reader.secretariat',
    });
    expect(process.traceIds.traceId).toBe(receive.traceIds.traceId);
  });

  it("keeps the caller's trace id and tracestate when the caller sent a traceparent", () => {
    const metadata = new Metadata();
    metadata.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    metadata.set('tracestate', 'congo=t61rcWkgMzE');
    const receive = gatewayReceiveSpan({ method: 'PublishStream', metadata });
    expect(receive.traceIds).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      sampled: true,
    });
    const send = sendSpan(receive, { topic: 't', messageId: 'm', key: 'k' });
    expect(send.headers.tracestate).toBe('congo=t61rcWkgMzE');
    expect(parseTraceparent(send.headers.traceparent)?.traceId).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
  });

  it('keeps ids stable for the life of a scope, whatever the active context', () => {
    const receive = gatewayReceiveSpan({ method: 'Publish' });
    const ids = receive.traceIds;
    receive.run(() => expect(receive.traceIds).toBe(ids));
    receive.end();
    expect(receive.traceIds).toBe(ids);
  });

  it('injects nothing for a context without a span, and extracts nothing from bad headers', () => {
    expect(injectTraceHeaders(ROOT_CONTEXT)).toEqual({});
    for (const traceparent of [
      '',
      'garbage',
      `00-${'0'.repeat(32)}-b7ad6b7169203331-01`,
      '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331',
    ]) {
      expect(trace.getSpanContext(extractTraceContext({ traceparent }))).toBeUndefined();
    }
  });
});
