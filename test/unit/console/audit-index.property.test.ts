import fc from 'fast-check';
import { messageStory } from '../../../src/audit/message-story';
import { AuditIndex } from '../../../src/console/audit-index';
import type { HopEvent, StoryHop } from '../../../src/console/console-model';
import { AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';

const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);
const ORIGINS = ['ncb:FR', 'wg:DE'];
const MESSAGE_IDS = ['m1', 'm2', 'm3', ''];

/** AuditEvent numbers 0..11 by name (0 and the configuration events show as OTHER), 12+ unknown. */
const HOP_EVENTS: readonly HopEvent[] = [
  'OTHER',
  'RECEIVED',
  'REFUSED',
  'ROUTED',
  'DELIVERED',
  'ACKED',
  'DEAD_LETTERED',
  'SUBSCRIBE_REFUSED',
  'OTHER',
  'OTHER',
  'DUPLICATE',
  'OTHER',
];

// Any UTF-16 content, separators of the packed form (',' ':' '~') and lone surrogates included.
const text = fc.string({ maxLength: 6, unit: 'binary' });

const recordArbitrary: fc.Arbitrary<AuditRecord> = fc
  .record({
    chainId: fc.constantFrom('gateway-1', 'reader-a', 'reader-b'),
    sequence: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
    event: fc.integer({ min: 0, max: 14 }),
    // Few distinct times, so that ties fall back on chain and sequence.
    at: fc.option(fc.integer({ min: 0, max: 20 }).map((ms) => new Date(T0 + ms))),
    messageId: fc.constantFrom(...MESSAGE_IDS),
    messageType: text,
    origin: fc.constantFrom(...ORIGINS),
    identity: text,
    traceId: fc.constantFrom('', 'ab'.repeat(16)),
    reader: text,
    ruleId: text,
    reason: text,
    description: text,
    fields: fc.array(text, { maxLength: 3 }),
    locations: fc.array(
      fc.record({ topic: text, partition: fc.nat(5), offset: fc.nat().map(String) }),
      { maxLength: 3 },
    ),
    routesNotTaken: fc.array(fc.record({ topic: text, reason: text, description: text }), {
      maxLength: 2,
    }),
  })
  .map(({ at, ...fields }) => AuditRecord.fromPartial({ ...fields, at: at ?? undefined }));

/** What a story's hop must say of a record. */
function expectedHop(record: AuditRecord): Omit<StoryHop, 'offsetMs' | 'sincePreviousMs'> {
  return {
    event: HOP_EVENTS[record.event] ?? 'OTHER',
    at: record.at?.toISOString() ?? null,
    identity: record.identity,
    reader: record.reader,
    chainId: record.chainId,
    sequence: record.sequence,
    locations: record.locations,
    routesNotTaken: record.routesNotTaken,
    ruleId: record.ruleId,
    reason: record.reason,
    description: record.description,
    fields: record.fields,
  };
}

describe('AuditIndex properties', () => {
  it('tells exactly the records added under each message id and origin, in story order', () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 40 }), (records) => {
        const index = new AuditIndex({ now: () => T0 });
        for (const record of records) index.add(record);
        expect(index.totals()).toMatchObject({ records: records.length, unreadable: 0 });
        for (const messageId of MESSAGE_IDS.filter((id) => id !== '')) {
          const stories = index.search(messageId).stories;
          const origins = ORIGINS.filter((o) =>
            records.some((r) => r.messageId === messageId && r.origin === o),
          );
          expect(stories.map((s) => s.origin).sort()).toEqual(origins);
          for (const story of stories) {
            const ofOrigin = records.filter((r) => r.origin === story.origin);
            const expected = messageStory(ofOrigin, messageId);
            const { hops } = story;
            expect(hops.map(({ offsetMs: _o, sincePreviousMs: _s, ...hop }) => hop)).toEqual(
              expected.map(expectedHop),
            );
            const times = expected.flatMap((r) => (r.at === undefined ? [] : [r.at.getTime()]));
            expect(hops.flatMap((h) => (h.offsetMs === null ? [] : [h.offsetMs]))).toEqual(
              times.map((t) => t - times[0]!),
            );
            expect(story.spanMs).toBe(times.length === 0 ? null : times.at(-1)! - times[0]!);
          }
        }
      }),
    );
  });

  it('never throws on records of any shape, and answers every query afterwards', () => {
    const anyRecord = fc.record(
      {
        chainId: fc.anything(),
        sequence: fc.anything(),
        event: fc.anything(),
        at: fc.oneof(fc.date({ noInvalidDate: false }), fc.anything()),
        messageId: fc.oneof(fc.constant('m1'), fc.anything()),
        origin: fc.anything(),
        identity: fc.anything(),
        traceId: fc.anything(),
        payloadSize: fc.anything(),
        locations: fc.oneof(fc.array(fc.anything()), fc.anything()),
        routesNotTaken: fc.oneof(fc.array(fc.anything()), fc.anything()),
        fields: fc.oneof(fc.array(fc.anything()), fc.anything()),
        reason: fc.anything(),
        reader: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(anyRecord, fc.anything()), { maxLength: 20 }), (values) => {
        const index = new AuditIndex({ maxMessages: 3, maxRefusals: 2, now: () => T0 });
        for (const value of values) index.add(value as AuditRecord);
        expect(index.totals()).toMatchObject({ records: values.length, unreadable: 0 });
        expect(() => [
          index.search('m1'),
          index.search('ab'.repeat(16)),
          index.flow(),
          index.refusals(),
          index.chains(),
        ]).not.toThrow();
      }),
    );
  });
});
