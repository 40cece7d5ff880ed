import { AuditIndex } from '../../../src/console/audit-index';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';

const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);

const refusedFromFr = AuditRecord.fromPartial({
  event: AuditEvent.AUDIT_EVENT_REFUSED,
  chainId: 'gateway-1',
  sequence: '4',
  at: new Date(T0),
  messageId: 'r-1',
  messageType: 'online-vendor-report',
  origin: 'agency:FR:customs-dnred',
  identity: 'urn:intelroute:agency:FR:customs-dnred',
  traceId: 'ab'.repeat(16),
  payloadSha256: 'cd'.repeat(32),
  payloadSize: '120',
  reason: 'SCHEMA_VIOLATION',
  description: 'd'.repeat(2_000),
  fields: Array.from({ length: 80 }, (_, i) => `payload/urls/${i}`),
});

const deadLettered = AuditRecord.fromPartial({
  event: AuditEvent.AUDIT_EVENT_DEAD_LETTERED,
  chainId: 'reader-de-1',
  sequence: '9',
  messageId: 'r-2',
  origin: 'ncb:FR',
  identity: 'urn:intelroute:reader:reader-de-1',
  reader: 'country-DE',
  reason: 'HANDLER_FAILED',
});

const subscribeRefused = AuditRecord.fromPartial({
  event: AuditEvent.AUDIT_EVENT_SUBSCRIBE_REFUSED,
  chainId: 'gateway-1',
  sequence: '5',
  identity: 'urn:intelroute:ncb:NL',
  reason: 'NOT_AUTHORIZED',
});

const refusedFromSecretariat = AuditRecord.fromPartial({
  ...refusedFromFr,
  messageId: 'r-3',
  origin: 'secretariat',
  reason: 'NOT_AUTHORIZED',
});

describe('AuditIndex refusals', () => {
  it('holds the newest maxRefusals refusals, dead letters and refused reads, newest first', () => {
    const index = new AuditIndex({ maxRefusals: 3 });
    index.add({ ...refusedFromFr, reason: 'PAYLOAD_TOO_LARGE' }); // pushed out by the next three
    index.add(refusedFromFr);
    index.add(AuditRecord.fromPartial({ ...refusedFromFr, event: AuditEvent.AUDIT_EVENT_ROUTED }));
    index.add(deadLettered);
    index.add(subscribeRefused);

    const list = index.refusals();
    expect(list.held).toBe(3);
    expect(list.items.map((r) => [r.kind, r.sender, r.reason])).toEqual([
      ['subscribe-refused', 'NL', 'NOT_AUTHORIZED'],
      ['dead-lettered', 'country-DE', 'HANDLER_FAILED'],
      ['refused', 'FR', 'SCHEMA_VIOLATION'],
    ]);
    expect(list.reasons).toEqual(['HANDLER_FAILED', 'NOT_AUTHORIZED', 'SCHEMA_VIOLATION']);
    expect(list.senders).toEqual(['FR', 'NL', 'country-DE']);
    const refusal = list.items[2]!;
    expect(refusal).toMatchObject({
      at: new Date(T0).toISOString(),
      messageId: 'r-1',
      messageType: 'online-vendor-report',
      origin: 'agency:FR:customs-dnred',
      identity: 'urn:intelroute:agency:FR:customs-dnred',
      payloadSha256: 'cd'.repeat(32),
      payloadSize: 120,
      traceId: 'ab'.repeat(16),
    });
    expect(refusal.description).toHaveLength(500);
    expect(refusal.fields).toHaveLength(50);
    expect(list.items[0]!.at).toBeNull();
  });

  it('filters on reason, sender and kind (all given must match), at most `limit` items', () => {
    const index = new AuditIndex();
    for (const r of [refusedFromFr, deadLettered, subscribeRefused, refusedFromSecretariat]) {
      index.add(r);
    }
    const ids = (list: ReturnType<AuditIndex['refusals']>) => list.items.map((r) => r.messageId);
    expect(ids(index.refusals({ reason: 'NOT_AUTHORIZED' }))).toEqual(['r-3', '']);
    expect(ids(index.refusals({ reason: 'NOT_AUTHORIZED', kind: 'refused' }))).toEqual(['r-3']);
    expect(ids(index.refusals({ sender: 'secretariat' }))).toEqual(['r-3']);
    expect(ids(index.refusals({ kind: 'dead-lettered' }))).toEqual(['r-2']);
    expect(ids(index.refusals({ sender: 'FR', kind: 'dead-lettered' }))).toEqual([]);
    expect(ids(index.refusals({}, 2))).toEqual(['r-3', '']);
    // The choices stay those of every held item, whatever the filter.
    expect(index.refusals({ sender: 'nobody' }).senders).toEqual([
      'FR',
      'NL',
      'country-DE',
      'secretariat',
    ]);
  });
});

describe('AuditIndex chains', () => {
  it('counts every record of each chain, configuration events too, sorted by chain id', () => {
    const index = new AuditIndex();
    index.add(refusedFromFr);
    index.add(deadLettered);
    index.add(
      AuditRecord.fromPartial({
        event: AuditEvent.AUDIT_EVENT_GRANTS_CHANGED,
        chainId: 'gateway-1',
        sequence: '6',
        at: undefined,
        identity: 'urn:intelroute:ncb:FR',
        changes: { 'agency:FR:customs-dnred': 'added' },
      }),
    );
    expect(index.chains()).toEqual([
      {
        chainId: 'gateway-1',
        length: 2,
        lastSequence: '6',
        lastAt: new Date(T0).toISOString(),
        verified: null,
      },
      { chainId: 'reader-de-1', length: 1, lastSequence: '9', lastAt: null, verified: null },
    ]);
    expect(index.totals()).toEqual({
      records: 3,
      unreadable: 0,
      messagesHeld: 2,
      messagesEvicted: 0,
    });
  });
});
