import { AuditIndex } from '../../../src/console/audit-index';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';

const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);
const TRACE = '0af7651916cd43dd8448eb211c80319c';

function record(fields: Partial<AuditRecord>): AuditRecord {
  return AuditRecord.fromPartial({ chainId: 'gateway-1', sequence: '0', ...fields });
}

const message = {
  messageId: 'msg-1',
  messageType: 'online-vendor-report',
  origin: 'ncb:FR',
  traceId: TRACE,
  payloadSha256: 'ab'.repeat(32),
  payloadSize: '995',
};

const routed = record({
  ...message,
  event: AuditEvent.AUDIT_EVENT_ROUTED,
  chainId: 'gateway-1',
  sequence: '41',
  at: new Date(T0),
  identity: 'urn:intelroute:ncb:FR',
  ruleId: 'h1-restricted',
  locations: [
    { topic: 'intel.v1.country.DE', partition: 2, offset: '1000' },
    { topic: 'intel.v1.secretariat', partition: 0, offset: '77' },
  ],
  routesNotTaken: [
    {
      topic: 'intel.v1.working-group',
      reason: 'RESTRICTED_TO_EXCLUDES',
      description: 'not for all',
    },
  ],
});

function reading(
  event: AuditEvent,
  reader: string,
  chainId: string,
  sequence: string,
  late: number,
) {
  return record({
    ...message,
    event,
    chainId,
    sequence,
    at: new Date(T0 + late),
    identity: `urn:intelroute:reader:${chainId}`,
    reader,
    locations: [{ topic: 'intel.v1.country.DE', partition: 2, offset: '1000' }],
  });
}

const deliveredDe = reading(AuditEvent.AUDIT_EVENT_DELIVERED, 'country-DE', 'reader-de-1', '7', 12);
const deliveredSec = reading(
  AuditEvent.AUDIT_EVENT_DELIVERED,
  'secretariat',
  'reader-sec-1',
  '3',
  15,
);
const acked = reading(AuditEvent.AUDIT_EVENT_ACKED, 'country-DE', 'reader-de-1', '8', 30);

describe('AuditIndex stories', () => {
  it('tells a routed message delivered by two readers in the order things happened', () => {
    const index = new AuditIndex();
    // Read out of order, as the audit topic's partitions interleave chains; the first record
    // read lacks the header values, which come from the next one that has them.
    index.add({ ...acked, messageType: '', payloadSha256: '', payloadSize: '0' });
    for (const r of [deliveredSec, routed, deliveredDe]) index.add(r);

    const { matchedBy, stories } = index.search('msg-1');
    expect(matchedBy).toBe('message id');
    expect(stories).toHaveLength(1);
    const story = stories[0]!;
    expect(story).toMatchObject({
      messageId: 'msg-1',
      messageType: 'online-vendor-report',
      origin: 'ncb:FR',
      traceId: TRACE,
      payloadSha256: 'ab'.repeat(32),
      payloadSize: 995,
      spanMs: 30,
    });
    expect(story.hops.map((h) => [h.event, h.reader, h.offsetMs, h.sincePreviousMs])).toEqual([
      ['ROUTED', '', 0, null],
      ['DELIVERED', 'country-DE', 12, 12],
      ['DELIVERED', 'secretariat', 15, 3],
      ['ACKED', 'country-DE', 30, 15],
    ]);
    expect(story.hops[0]).toEqual({
      event: 'ROUTED',
      at: new Date(T0).toISOString(),
      offsetMs: 0,
      sincePreviousMs: null,
      identity: 'urn:intelroute:ncb:FR',
      reader: '',
      chainId: 'gateway-1',
      sequence: '41',
      locations: routed.locations,
      routesNotTaken: routed.routesNotTaken,
      ruleId: 'h1-restricted',
      reason: '',
      description: '',
      fields: [],
    });
    expect(story.hops[3]).toMatchObject({
      identity: 'urn:intelroute:reader:reader-de-1',
      sequence: '8',
    });
  });

  it('orders hops of one millisecond by chain, then by sequence as a number; untimed first', () => {
    const index = new AuditIndex();
    const at = new Date(T0);
    index.add(record({ ...message, chainId: 'b', sequence: '1', at }));
    index.add(record({ ...message, chainId: 'a', sequence: '10', at }));
    index.add(record({ ...message, chainId: 'a', sequence: '9', at }));
    index.add(record({ ...message, chainId: 'z', sequence: '0', at: undefined }));
    const hops = index.search('msg-1').stories[0]!.hops;
    expect(hops.map((h) => `${h.chainId}#${h.sequence}`)).toEqual(['z#0', 'a#9', 'a#10', 'b#1']);
    expect(hops.map((h) => h.offsetMs)).toEqual([null, 0, 0, 0]);
    expect(hops[0]!.at).toBeNull();
  });

  it('finds a story by its trace id (trimmed, any case) when no message has that id', () => {
    const index = new AuditIndex();
    index.add(routed);
    const found = index.search(`  ${TRACE.toUpperCase()} `);
    expect(found.query).toBe(TRACE.toUpperCase());
    expect(found.matchedBy).toBe('trace id');
    expect(found.stories.map((s) => s.messageId)).toEqual(['msg-1']);
    expect(index.search('   ')).toEqual({
      query: '',
      matchedBy: null,
      stories: [],
      messagesHeld: 1,
    });
    expect(index.search('msg-2')).toMatchObject({ matchedBy: null, stories: [] });
  });

  it('keeps one story per origin when two origins use the same message id', () => {
    const index = new AuditIndex();
    index.add(routed);
    index.add({ ...routed, origin: 'wg:DE', chainId: 'gateway-2', traceId: '' });
    index.add(deliveredDe);
    const stories = index.search('msg-1').stories;
    expect(stories.map((s) => [s.origin, s.hops.length, s.traceId])).toEqual([
      ['ncb:FR', 2, TRACE],
      ['wg:DE', 1, ''],
    ]);
    expect(index.totals().messagesHeld).toBe(2);
  });

  it('lets the first-seen messages go beyond maxMessages, with their trace ids', () => {
    const index = new AuditIndex({ maxMessages: 3 });
    const traceOf = (n: number) => n.toString(16).padStart(32, '0');
    const add = (n: number) =>
      index.add(
        record({ ...message, messageId: `m${n}`, traceId: traceOf(n), at: new Date(T0 + n) }),
      );
    for (const n of [1, 2, 3, 4]) add(n);
    expect(index.search('m1').stories).toEqual([]);
    expect(index.search(traceOf(1)).matchedBy).toBeNull();
    expect(index.search(traceOf(2)).matchedBy).toBe('trace id');

    add(2); // a later record of m2 does not make it younger: age is by first record seen
    add(5);
    expect(index.search('m2').stories).toEqual([]);
    expect(index.search(traceOf(2)).stories).toEqual([]);
    expect(['m3', 'm4', 'm5'].map((id) => index.search(id).stories.length)).toEqual([1, 1, 1]);
    expect(index.totals()).toEqual({
      records: 6,
      unreadable: 0,
      messagesHeld: 3,
      messagesEvicted: 2,
    });

    add(1); // seen again after it was let go: a new story
    expect(index.search('m1').stories[0]!.hops).toHaveLength(1);
  });

  it('keeps the trace id of a message while another origin’s story of that id still has it', () => {
    const index = new AuditIndex({ maxMessages: 2 });
    index.add(routed);
    index.add({ ...routed, origin: 'wg:DE' });
    index.add(record({ messageId: 'other' }));
    expect(index.search(TRACE).stories.map((s) => s.origin)).toEqual(['wg:DE']);
  });

  it('never throws on odd records and keeps no more than the caps of what they carry', () => {
    const index = new AuditIndex();
    const odd = record({
      ...message,
      event: 99 as AuditEvent,
      at: new Date(NaN),
      sequence: 'not a number',
      payloadSize: 'huge',
      description: 'x'.repeat(10_000),
      fields: Array.from({ length: 500 }, (_, i) => `f${i}`),
      locations: [{ topic: 't', partition: NaN, offset: '' }],
    });
    expect(() => index.add(odd)).not.toThrow();
    expect(() =>
      index.add(record({ ...message, sequence: '2', event: AuditEvent.AUDIT_EVENT_ROUTED })),
    ).not.toThrow();
    expect(() => index.add(null as unknown as AuditRecord)).not.toThrow();
    const hop = index.search('msg-1').stories[0]!.hops.find((h) => h.event === 'OTHER')!;
    expect(hop).toMatchObject({ at: null, sequence: 'not a number' });
    expect(hop.description).toHaveLength(500);
    expect(hop.fields).toHaveLength(50);
    expect(hop.locations).toEqual([{ topic: 't', partition: -1, offset: '' }]);
    expect(index.totals()).toMatchObject({ records: 3, unreadable: 0 });
    index.addUnreadable();
    expect(index.totals().unreadable).toBe(1);
  });
});
