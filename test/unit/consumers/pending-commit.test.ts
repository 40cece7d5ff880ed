import {
  PendingCommit,
  type PendingCommitDeps,
} from '../../../src/services/readers/runtime/pending-commit';
import { IntelrouteError } from '../../../src/core/errors';
import type { WriteJob } from '../../../src/kafka/transactional-writer';
import type { ReaderEvent } from '../../../src/services/readers';
import type { CommitEntry } from '../../../src/services/readers/runtime/message-processor';
import type { SpanScope } from '../../../src/telemetry/span-scope';
import { silentLogger } from '../../../src/telemetry/logger';

function setup(write: (job: WriteJob<ReaderEvent>) => Promise<[]>) {
  let now = 1000;
  const committed: string[] = [];
  const abandoned: string[] = [];
  const counted: string[] = [];
  const produce: string[] = [];
  const deps: PendingCommitDeps = {
    group: 'g',
    metrics: {
      readerMessage: ({ outcome }) => counted.push(outcome),
      produceDuration: (_ms, { outcome }) => produce.push(outcome),
    },
    processedIds: {
      committed: (marks) => committed.push(...marks.map((m) => m.identity)),
      abandoned: (ids) => abandoned.push(...ids),
    },
    maxMessages: 3,
    maxDelayMs: 500,
    writer: { write },
    commitTimeoutMs: 1000,
    backoff: { initialMs: 1, maxMs: 1 },
    heartbeatEveryMs: 1000,
    logger: silentLogger(),
    now: () => now,
    random: () => 0.5,
  };
  const pending = new PendingCommit(deps, 'topic', 2);
  return { pending, committed, abandoned, counted, produce, advance: (ms: number) => (now += ms) };
}

const ended: string[] = [];
const entry = (id?: string): CommitEntry => ({
  records: [{ topic: 'p', key: Buffer.from('k'), value: Buffer.from(id ?? 'skip'), headers: {} }],
  events: [],
  outcome: id === undefined ? 'duplicate' : 'delivered',
  ...(id === undefined ? {} : { processed: { identity: id, atMs: 1 } }),
  span: { end: () => ended.push(id ?? 'skip') } as unknown as SpanScope,
});
const context = { heartbeat: async () => undefined, signal: new AbortController().signal };

describe('PendingCommit', () => {
  it('is due after maxMessages or maxDelayMs', () => {
    const { pending, advance } = setup(async () => []);
    expect(pending.due).toBe(false);
    pending.add(entry('a'), '10');
    expect(pending.due).toBe(false);
    advance(500);
    expect(pending.due).toBe(true);
    const other = setup(async () => []).pending;
    for (const [i, id] of ['a', 'b', 'c'].entries()) other.add(entry(id), String(i));
    expect(other.due).toBe(true);
  });

  it('commits records and the offset after the last record in one job, then remembers the ids', async () => {
    const jobs: WriteJob<ReaderEvent>[] = [];
    ended.length = 0;
    const { pending, committed, counted, produce } = setup(async (job) => {
      jobs.push(job);
      return [];
    });
    pending.add(entry('a'), '10');
    pending.add(entry(), '12'); // a duplicate skipped: no id to remember
    pending.add(entry('b'), '13');
    expect(await pending.flush(context)).toBe(true);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.records).toHaveLength(3);
    expect(jobs[0]?.consumerOffsets).toEqual([
      { groupId: 'g', topic: 'topic', partition: 2, offset: '14' },
    ]);
    expect(committed).toEqual(['a', 'b']);
    expect(counted).toEqual(['delivered', 'duplicate', 'delivered']);
    expect(produce).toEqual(['ok']);
    expect(ended).toEqual(['a', 'skip', 'b']); // spans end with the commit
    expect(pending.due).toBe(false);
    expect(await pending.flush(context)).toBe(true); // nothing waits: no job
    expect(jobs).toHaveLength(1);
  });

  it('retries a failed transaction, and abandons the ids when the reader stops first', async () => {
    let calls = 0;
    const retried = setup(async () => {
      calls += 1;
      if (calls === 1) throw new IntelrouteError('KAFKA_UNAVAILABLE', 'down');
      return [];
    });
    retried.pending.add(entry('a'), '0');
    expect(await retried.pending.flush(context)).toBe(true);
    expect(calls).toBe(2);
    expect(retried.committed).toEqual(['a']);

    const stopping = setup(async () => {
      throw new IntelrouteError('SHUTTING_DOWN', 'stopped');
    });
    stopping.pending.add(entry('b'), '0');
    expect(await stopping.pending.flush(context)).toBe(false);
    expect(stopping.abandoned).toEqual(['b']);
    expect(stopping.committed).toEqual([]);
    expect(stopping.counted).toEqual([]); // nothing counted that was not committed
    expect(retried.produce).toEqual(['error', 'ok']);
  });
});
