import {
  parseAuditValue,
  readHeads,
  readTopicToEnd,
  serializeAuditRecord,
  topicEnds,
  verifyChains,
  type AuditTrail,
  type ChainVerdict,
} from '../../../src/audit';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { testKafkaClient } from '../../helpers/kafka';
import {
  ChainWriter,
  copyTrail,
  createTrailTopics,
  event,
  readTrail,
  recordOf,
  writeGenuineTrail,
} from './audit-trail-fixtures';

jest.setTimeout(60_000);

const kafka = testKafkaClient();
const admin = kafka.admin();

function verify(trail: AuditTrail): Map<string, ChainVerdict> {
  const report = verifyChains(trail.records, readHeads(trail.heads).heads);
  return new Map(report.chains.map((chain) => [chain.chainId, chain]));
}

const at = (r: { partition: number; offset: string }) => ({
  partition: r.partition,
  offset: r.offset,
});

let genuine: AuditTrail;
let genuineTopics: Awaited<ReturnType<typeof createTrailTopics>>['topics'];

beforeAll(async () => {
  await admin.connect();
  genuineTopics = (await createTrailTopics(admin)).topics;
  await writeGenuineTrail(kafka, genuineTopics);
  genuine = await readTrail(kafka, genuineTopics);
});
afterAll(async () => {
  await admin.disconnect();
});

describe('the audit trail written in transactions', () => {
  it('reads back every committed record and no aborted one, past the commit markers', async () => {
    const ids = genuine.records.map((r) => parseAuditValue(r.value).messageId);
    expect(ids).toHaveLength(8);
    expect(ids.filter((id) => id.startsWith('aborted'))).toEqual([]);
    // The partition ends with a commit marker the consumer never sees as a record: the reader
    // must have stopped on its own.
    const ends = await topicEnds({ kafka, admin }, genuineTopics.audit);
    const last = genuine.records[genuine.records.length - 1]!;
    expect(ends.get(last.partition)!.end).toBeGreaterThan(BigInt(last.offset) + 1n);
    // Each transaction wrote a head; the latest per chain counts (compaction has not run yet).
    expect(
      [...readHeads(genuine.heads).heads.values()].map((h) => [h.chainId, h.sequence]),
    ).toEqual([
      ['gateway-1', '4'],
      ['reader-DE', '2'],
    ]);
    expect(new Set(genuine.records.map((r) => r.partition))).toEqual(new Set([0, 1]));
  });

  it('verifies ok, every chain with its committed records only', () => {
    const report = verifyChains(genuine.records, readHeads(genuine.heads).heads);
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.chainId, c.records, c.problem])).toEqual([
      ['gateway-1', 5, undefined],
      ['reader-DE', 3, undefined],
    ]);
  });

  it('stops at the end of partitions that end in, or only hold, an aborted transaction', async () => {
    const { topics } = await createTrailTopics(admin);
    // gateway-1 lives in partition 1, reader-DE in partition 0 (murmur2 of the key).
    const gateway = await ChainWriter.connect(kafka, topics, 'gateway-1');
    const reader = await ChainWriter.connect(kafka, topics, 'reader-DE');
    await gateway.write([event(AuditEvent.AUDIT_EVENT_RECEIVED, 'kept', 0)]);
    await gateway.write([event(AuditEvent.AUDIT_EVENT_RECEIVED, 'dropped', 1)], { abort: true });
    // Partition 0 holds nothing a read_committed consumer is ever handed: no batch reaches
    // eachBatch there, only kafkajs's batch events tell how far it was read.
    await reader.write([event(AuditEvent.AUDIT_EVENT_DELIVERED, 'dropped', 2)], { abort: true });
    await Promise.all([gateway.disconnect(), reader.disconnect()]);
    const ends = await topicEnds({ kafka, admin }, topics.audit);
    expect(ends.get(0)).toEqual({ low: 0n, end: 2n });

    const started = Date.now();
    const records = await readTopicToEnd({ kafka, admin, idleTimeoutMs: 10_000 }, topics.audit);
    expect(records.map((r) => parseAuditValue(r.value).messageId)).toEqual(['kept']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('a trail tampered with in Kafka fails verification, naming the first bad offset', () => {
  it('a forged record claiming an existing sequence', async () => {
    const { topics } = await createTrailTopics(admin);
    await copyTrail(kafka, genuine, topics, (records) => records);
    const original = recordOf(genuine, 'gateway-1', '1');
    const forgedValue = serializeAuditRecord({
      ...parseAuditValue(original.value),
      locations: [{ topic: 'intel.v1.country.XX', partition: 0, offset: '1' }],
    });
    const producer = kafka.producer();
    await producer.connect();
    const [meta] = await producer.send({
      topic: topics.audit,
      acks: -1,
      messages: [{ key: 'gateway-1', value: forgedValue, partition: original.partition }],
    });
    await producer.disconnect();

    const verdicts = verify(await readTrail(kafka, topics));
    expect(verdicts.get('gateway-1')?.problem).toMatchObject({
      kind: 'reordered',
      at: { partition: original.partition, offset: meta?.baseOffset },
    });
    expect(verdicts.get('reader-DE')?.problem).toBeUndefined();
  });

  it('a record removed (the trail rewritten without it)', async () => {
    const { topics } = await createTrailTopics(admin);
    const removed = recordOf(genuine, 'gateway-1', '2');
    await copyTrail(kafka, genuine, topics, (records) => records.filter((r) => r !== removed));
    const copy = await readTrail(kafka, topics);
    const verdict = verify(copy).get('gateway-1');
    expect(verdict?.problem).toMatchObject({
      kind: 'gap',
      at: at(recordOf(copy, 'gateway-1', '3')),
    });
  });

  it('two records swapped', async () => {
    const { topics } = await createTrailTopics(admin);
    const [one, two] = [recordOf(genuine, 'gateway-1', '1'), recordOf(genuine, 'gateway-1', '2')];
    await copyTrail(kafka, genuine, topics, (records) =>
      records.map((r) => (r === one ? two : r === two ? one : r)),
    );
    const copy = await readTrail(kafka, topics);
    const verdict = verify(copy).get('gateway-1');
    // Sequence 2 now sits where sequence 1 was: that position is the first bad one.
    expect(verdict?.problem).toMatchObject({
      kind: 'reordered',
      at: at(recordOf(copy, 'gateway-1', '2')),
    });
  });

  it('the tail cut off', async () => {
    const { topics } = await createTrailTopics(admin);
    const last = recordOf(genuine, 'reader-DE', '2');
    await copyTrail(kafka, genuine, topics, (records) => records.filter((r) => r !== last));
    const copy = await readTrail(kafka, topics);
    const verdicts = verify(copy);
    expect(verdicts.get('reader-DE')?.problem).toMatchObject({
      kind: 'truncated',
      at: at(recordOf(copy, 'reader-DE', '1')),
    });
    expect(verdicts.get('gateway-1')?.problem).toBeUndefined();
  });
});
