import fc from 'fast-check';
import { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { PublishResult } from '../../../src/contract/generated/intelroute/v1/gateway';
import { encodeMessage } from '../../../src/contract/message-encoding';
import { validEnvelope } from '../../helpers/envelopes';

const envelopeOfSize = (messageId: string, bytes: number): Envelope =>
  validEnvelope('online-vendor-report', { messageId, payload: Buffer.alloc(bytes, 0x7b) });

const result = (messageId: string, topics: readonly string[]): PublishResult => ({
  messageId,
  outcome: {
    $case: 'ack',
    ack: {
      messageId,
      records: topics.map((topic, partition) => ({ topic, partition, offset: `${partition * 7}` })),
      duplicate: false,
      routesNotTaken: [
        { topic: 'intel.v1.wg', reason: 'RESTRICTED_TO_EXCLUDES', description: 'ü' },
      ],
      acceptedAt: new Date(1_700_000_000_000),
      traceId: 'ab'.repeat(16),
    },
  },
});

describe('encodeMessage (one writer kept for every encode)', () => {
  it('gives the bytes a fresh writer gives, whatever was encoded before', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc
              .record({ id: fc.string(), bytes: fc.integer({ min: 0, max: 300_000 }) })
              .map(({ id, bytes }) => ({
                kind: 'envelope' as const,
                message: envelopeOfSize(id, bytes),
              })),
            fc
              .record({ id: fc.string(), topics: fc.array(fc.string(), { maxLength: 5 }) })
              .map(({ id, topics }) => ({ kind: 'result' as const, message: result(id, topics) })),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        (messages) => {
          const encoded = messages.map((m) =>
            m.kind === 'envelope'
              ? encodeMessage(Envelope, m.message)
              : encodeMessage(PublishResult, m.message),
          );
          // Compared after all were encoded: no result shares the writer's buffer.
          messages.forEach((m, index) => {
            const fresh =
              m.kind === 'envelope'
                ? Envelope.encode(m.message).finish()
                : PublishResult.encode(m.message).finish();
            expect(Buffer.compare(encoded[index] as Buffer, Buffer.from(fresh))).toBe(0);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('encodes correctly after an encode that threw half-way', () => {
    const broken = { ...envelopeOfSize('a', 10), origin: { country: 7 } } as unknown as Envelope;
    expect(() => encodeMessage(Envelope, broken)).toThrow();
    const next = envelopeOfSize('b', 500);
    expect(Envelope.decode(encodeMessage(Envelope, next))).toEqual(next);
  });
});
