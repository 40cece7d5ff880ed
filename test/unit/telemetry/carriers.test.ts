import { Metadata } from '@grpc/grpc-js';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { grpcMetadataGetter } from '../../../src/telemetry/grpc-metadata-carrier';
import {
  extractTraceContext,
  injectTraceHeaders,
  kafkaHeadersGetter,
  kafkaHeadersSetter,
  type KafkaHeaderValue,
} from '../../../src/telemetry/kafka-headers-carrier';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('kafkaHeadersGetter / kafkaHeadersSetter', () => {
  it('reads text, Buffer and repeated (kafkajs) header values as text, the first one winning', () => {
    const headers = {
      a: 'text',
      b: Buffer.from('bytes'),
      c: [Buffer.from('first'), 'second'],
      d: undefined,
    };
    expect(kafkaHeadersGetter.keys(headers).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(kafkaHeadersGetter.get(headers, 'a')).toBe('text');
    expect(kafkaHeadersGetter.get(headers, 'b')).toBe('bytes');
    expect(kafkaHeadersGetter.get(headers, 'c')).toBe('first');
    expect(kafkaHeadersGetter.get(headers, 'd')).toBeUndefined();
    expect(kafkaHeadersGetter.get(headers, 'missing')).toBeUndefined();
  });

  it('writes text values into a headers object', () => {
    const headers: Record<string, KafkaHeaderValue> = { keep: Buffer.from('x') };
    kafkaHeadersSetter.set(headers, 'traceparent', PARENT);
    expect(headers).toEqual({ keep: Buffer.from('x'), traceparent: PARENT });
  });

  it('round-trips a context through record headers (extract, then inject)', () => {
    const context = extractTraceContext({
      traceparent: Buffer.from(PARENT),
      tracestate: 'a=1,b=2',
    });
    expect(trace.getSpanContext(context)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(injectTraceHeaders(context)).toEqual({ traceparent: PARENT, tracestate: 'a=1,b=2' });
  });

  it('extracts on the root context by default, not on whatever is active', () => {
    const active = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '11111111111111111111111111111111',
      spanId: '2222222222222222',
      traceFlags: TraceFlags.SAMPLED,
    });
    const extracted = extractTraceContext({ nothing: 'here' });
    expect(extracted).toBe(ROOT_CONTEXT);
    expect(extractTraceContext({}, active)).toBe(active);
  });
});

describe('grpcMetadataGetter', () => {
  it('reads text metadata and skips binary values', () => {
    const metadata = new Metadata();
    metadata.set('traceparent', PARENT);
    metadata.set('trace-bin', Buffer.from([1, 2, 3]));
    expect(grpcMetadataGetter.get(metadata, 'traceparent')).toBe(PARENT);
    expect(grpcMetadataGetter.get(metadata, 'trace-bin')).toBeUndefined();
    expect(grpcMetadataGetter.get(metadata, 'absent')).toBeUndefined();
    expect(grpcMetadataGetter.keys(metadata)).toEqual(expect.arrayContaining(['traceparent']));
  });
});
