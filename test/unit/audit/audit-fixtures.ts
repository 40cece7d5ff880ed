import {
  auditFields,
  auditRecordsFor,
  parseAuditValue,
  serializeAuditRecord,
  startChain,
  type AuditChainHead,
  type AuditFields,
  type AuditTopicRecord,
} from '../../../src/audit';
import {
  AuditEvent,
  type AuditRecord,
} from '../../../src/contract/generated/intelroute/v1/records';

/** A record of a simulated audit topic (what the verifier reads). */
export interface FakeRecord extends AuditTopicRecord {
  readonly key: string;
  readonly value: Buffer;
}

/** A simulated audit trail: the audit topic's records and each chain's head. */
export interface FakeTrail {
  readonly records: FakeRecord[];
  readonly heads: Map<string, AuditChainHead>;
}

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

/** Fields of the n-th event of a chain: distinct message ids, times a millisecond apart. */
export function eventFields(chainId: string, n: number): AuditFields {
  return auditFields({
    event: AuditEvent.AUDIT_EVENT_ROUTED,
    at: new Date(T0 + n),
    messageId: `${chainId}-m${n}`,
    identity: 'ncb:FR',
    payloadSha256: 'ab'.repeat(32),
    payloadSize: String(100 + n),
    locations: [{ topic: 'intel.v1.secretariat', partition: 0, offset: String(n) }],
  });
}

/**
 * A valid trail: `lengths[chain]` records per chain, written to partition 0 in the order given
 * by `order` (chain ids, one entry per record; default: each chain in turn), offsets 0, 1, 2...
 */
export function buildTrail(lengths: Record<string, number>, order?: readonly string[]): FakeTrail {
  const sequenceOrder =
    order ?? Object.entries(lengths).flatMap(([chainId, n]) => Array<string>(n).fill(chainId));
  const values = new Map<string, Buffer[]>();
  const heads = new Map<string, AuditChainHead>();
  for (const [chainId, n] of Object.entries(lengths)) {
    const fields = Array.from({ length: n }, (_, i) => eventFields(chainId, i));
    const batch = auditRecordsFor(startChain(chainId), fields);
    values.set(
      chainId,
      batch.appended.map((entry) => entry.value),
    );
    if (batch.head !== undefined) heads.set(chainId, batch.head);
  }
  const next = new Map<string, number>();
  const records = sequenceOrder.map((chainId, offset) => {
    const i = next.get(chainId) ?? 0;
    next.set(chainId, i + 1);
    const value = values.get(chainId)?.[i];
    if (value === undefined) throw new Error(`order names too many records of ${chainId}`);
    return { partition: 0, offset: String(offset), key: chainId, value };
  });
  return { records, heads };
}

/** The records of one chain, in offset order. */
export function chainRecords(trail: FakeTrail, chainId: string): FakeRecord[] {
  return trail.records.filter((record) => record.key === chainId);
}

/** The record's value with `change` applied to its decoded record, re-serialised. */
export function rewritten(record: FakeRecord, change: (r: AuditRecord) => AuditRecord): Buffer {
  return serializeAuditRecord(change(parseAuditValue(record.value)));
}

/** A copy of the trail with `replace` applied to the records (heads unchanged). */
export function withRecords(
  trail: FakeTrail,
  replace: (records: FakeRecord[]) => FakeRecord[],
): FakeTrail {
  return { records: replace([...trail.records]), heads: new Map(trail.heads) };
}

/** The position of a record, as the verifier reports it. */
export function positionOf(record: FakeRecord | undefined): { partition: number; offset: string } {
  if (record === undefined) throw new Error('no such record');
  return { partition: record.partition, offset: record.offset };
}
