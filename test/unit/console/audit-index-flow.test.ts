import { AuditIndex } from '../../../src/console/audit-index';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';

/** The clock's current second, and half a second into it. */
const NOW_S = 1_796_380_000;
const NOW_MS = NOW_S * 1000 + 500;

function routed(origin: string, atMs: number | undefined, topics: string[] = []): AuditRecord {
  return AuditRecord.fromPartial({
    event: AuditEvent.AUDIT_EVENT_ROUTED,
    messageId: `m-${Math.random()}`,
    origin,
    at: atMs === undefined ? undefined : new Date(atMs),
    locations: topics.map((topic) => ({ topic, partition: 0, offset: '1' })),
  });
}

function refused(reason: string, atMs: number): AuditRecord {
  return AuditRecord.fromPartial({
    event: AuditEvent.AUDIT_EVENT_REFUSED,
    origin: 'ncb:NL',
    reason,
    at: new Date(atMs),
  });
}

function delivered(reader: string, topic: string, atMs: number): AuditRecord {
  return AuditRecord.fromPartial({
    event: AuditEvent.AUDIT_EVENT_DELIVERED,
    origin: 'ncb:FR',
    reader,
    at: new Date(atMs),
    locations: [{ topic, partition: 1, offset: '9' }],
  });
}

/** ms within second NOW_S - ago. */
const secondsAgo = (ago: number) => (NOW_S - ago) * 1000 + 250;

describe('AuditIndex flow', () => {
  it('counts each record in the second of its own time, within the window only', () => {
    let now = NOW_MS;
    const index = new AuditIndex({ now: () => now });
    index.add(routed('ncb:FR', secondsAgo(1), ['intel.v1.country.DE', 'intel.v1.secretariat']));
    index.add(routed('agency:FR:customs-dnred', secondsAgo(1), ['intel.v1.country.DE']));
    index.add(routed('secretariat', secondsAgo(12)));
    index.add(routed('wg:DE', secondsAgo(59)));
    index.add(routed('ncb:BE', secondsAgo(60))); // just outside the 60-second window
    index.add(routed('ncb:BE', undefined)); // no time: totals only
    index.add(routed('', NOW_MS + 3_600_000)); // a writer's clock ahead: the current second
    index.add(refused('SCHEMA_VIOLATION', secondsAgo(2)));
    index.add(refused('SCHEMA_VIOLATION', secondsAgo(3)));
    index.add(refused('NOT_AUTHORIZED', secondsAgo(0)));
    index.add(delivered('country-DE', 'intel.v1.country.DE', secondsAgo(1)));
    index.add(delivered('country-DE', 'intel.v1.country.DE', secondsAgo(1)));

    const flow = index.flow();
    expect(flow.windowSeconds).toBe(60);
    expect(flow.series).toHaveLength(60);
    expect(flow.series[0]!.second).toBe(NOW_S - 59);
    expect(flow.series[59]).toEqual({ second: NOW_S, accepted: 1, refused: 1 });
    expect(flow.series[58]).toEqual({ second: NOW_S - 1, accepted: 2, refused: 0 });
    expect(flow.series[47]).toEqual({ second: NOW_S - 12, accepted: 1, refused: 0 });
    expect(flow.series[0]).toEqual({ second: NOW_S - 59, accepted: 1, refused: 0 });
    // Whole seconds NOW-10 .. NOW-1: 2 accepted, 2 refused (the current second is not whole).
    expect([flow.acceptedPerSecond, flow.refusedPerSecond]).toEqual([0.2, 0.2]);
    expect(flow.bySender).toEqual([
      { key: 'FR', count: 2 },
      { key: 'DE', count: 1 },
      { key: 'secretariat', count: 1 },
      { key: 'unknown', count: 1 },
    ]);
    expect(flow.refusalsByReason).toEqual([
      { key: 'SCHEMA_VIOLATION', count: 2 },
      { key: 'NOT_AUTHORIZED', count: 1 },
    ]);
    expect(flow.senderToTopic).toEqual([
      { from: 'FR', to: 'intel.v1.country.DE', count: 2 },
      { from: 'FR', to: 'intel.v1.secretariat', count: 1 },
    ]);
    expect(flow.topicToReader).toEqual([
      { from: 'intel.v1.country.DE', to: 'country-DE', count: 2 },
    ]);
    expect(flow.totals).toEqual({
      records: 12,
      unreadable: 0,
      messagesHeld: 7,
      messagesEvicted: 0,
    });

    now += 59_000; // only the records of the current second and the future one are in the window
    const later = index.flow();
    expect(later.series.reduce((sum, s) => sum + s.accepted + s.refused, 0)).toBe(2);
    expect(later.series[0]).toEqual({ second: NOW_S, accepted: 1, refused: 1 });
    now += 1_000;
    expect(index.flow().bySender).toEqual([]);
  });

  it('starts a second afresh when its slot of the ring is reused', () => {
    let now = NOW_MS;
    const index = new AuditIndex({ windowSeconds: 5, now: () => now });
    index.add(routed('ncb:FR', NOW_MS));
    now += 5_000;
    index.add(routed('ncb:DE', now));
    expect(index.flow().series.map((s) => s.accepted)).toEqual([0, 0, 0, 0, 1]);
    expect(index.flow().bySender).toEqual([{ key: 'DE', count: 1 }]);
    // Means over the window's whole seconds when it is shorter than 10 s.
    index.add(routed('ncb:DE', now - 1_000));
    expect(index.flow().acceptedPerSecond).toBe(0.25);
  });

  it('keeps 49 rows and sums the rest into (other), largest first then by key', () => {
    const index = new AuditIndex({ now: () => NOW_MS });
    for (let i = 0; i < 60; i += 1) {
      const sender = `system:s${String(i).padStart(2, '0')}`;
      for (let n = 0; n < (i < 3 ? 5 - i : 1); n += 1) {
        index.add(routed(sender, NOW_MS, ['intel.v1.secretariat']));
      }
    }
    const { bySender, senderToTopic } = index.flow();
    expect(bySender).toHaveLength(50);
    expect(bySender.slice(0, 5)).toEqual([
      { key: 'system:s00', count: 5 },
      { key: 'system:s01', count: 4 },
      { key: 'system:s02', count: 3 },
      { key: 'system:s03', count: 1 },
      { key: 'system:s04', count: 1 },
    ]);
    expect(bySender[48]).toEqual({ key: 'system:s48', count: 1 });
    expect(bySender[49]).toEqual({ key: '(other)', count: 11 });
    expect(senderToTopic).toHaveLength(50);
    expect(senderToTopic[49]).toEqual({ from: '(other)', to: '(other)', count: 11 });
  });
});
