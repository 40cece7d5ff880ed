import type { KafkaMessage } from 'kafkajs';
import { decodeRecord } from '../../../src/services/readers/runtime/decode-record';
import { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { encodeMessageRecord } from '../../../src/kafka/record-format';
import { validEnvelope } from '../../helpers/envelopes';

function message(value: Buffer | null, headers: Record<string, string> = {}): KafkaMessage {
  return { key: null, value, headers, offset: '0', timestamp: '0', attributes: 0 };
}

describe('decodeRecord', () => {
  const traceparent = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;

  it('decodes a message record and continues its trace in a new span', () => {
    const envelope = validEnvelope('seizure-report');
    const record = encodeMessageRecord('t', envelope, { traceparent, tracestate: 'k=v' });
    const decoded = decodeRecord(message(record.value, { ...record.headers }));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.envelope.messageId).toBe(envelope.messageId);
    expect(decoded.headers['message-type']).toBe('seizure-report');
    expect(decoded.trace).toMatchObject({
      traceId: '1'.repeat(32),
      tracestate: 'k=v',
      sampled: true,
    });
    expect(decoded.trace.spanId).not.toBe('2'.repeat(16));
  });

  it("falls back to the receipt's trace id when the headers carry none", () => {
    const envelope: Envelope = {
      ...validEnvelope('seizure-report'),
      receipt: {
        sender: 's',
        receivedAt: undefined,
        payloadSha256: '',
        replyDueAt: undefined,
        traceId: '3'.repeat(32),
      },
    };
    const decoded = decodeRecord(message(Buffer.from(Envelope.encode(envelope).finish())));
    expect(decoded.trace.traceId).toBe('3'.repeat(32));
  });

  it('reports, without throwing, a tombstone, bytes that are not an Envelope, or an envelope without id', () => {
    expect(decodeRecord(message(null))).toMatchObject({
      ok: false,
      description: expect.stringMatching(/tombstone/),
    });
    expect(decodeRecord(message(Buffer.from([0xff, 0xff, 0xff, 0xff])))).toMatchObject({
      ok: false,
    });
    const empty = Buffer.from(Envelope.encode(Envelope.create({ messageType: 'x' })).finish());
    expect(decodeRecord(message(empty))).toMatchObject({
      ok: false,
      description: expect.stringMatching(/without message_id/),
    });
  });
});
