import fc from 'fast-check';
import { IntelrouteError } from '../../../src/core/errors';
import { WriteQueue, type PendingJob } from '../../../src/kafka/write-queue';

interface Answer {
  readonly id: number;
  readonly outcome: 'written' | string;
}

/** A job of `bytes` bytes for `topic`, answering into `answers`. */
function job(
  id: number,
  answers: Answer[],
  { bytes = 100, topic = 't', deadlineAtMs = Number.MAX_SAFE_INTEGER } = {},
): PendingJob<number> {
  return {
    job: { records: [], events: [id], deadlineAtMs },
    topicBytes: new Map([[topic, bytes]]),
    bytes,
    resolve: () => answers.push({ id, outcome: 'written' }),
    reject: (error: IntelrouteError) => answers.push({ id, outcome: error.code }),
  };
}

const ids = (batch: readonly PendingJob<number>[]): number[] =>
  batch.map((p) => p.job.events[0] as number);

describe('WriteQueue', () => {
  it('hands out every job once, in arrival order, in batches within the limits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1500, maxLength: 2500 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 20 }),
        (sizes, maxJobs, arrivals) => {
          const queue = new WriteQueue<number>({ maxJobs, maxBytes: 5000, maxTopicBytes: 3000 });
          const answers: Answer[] = [];
          const taken: number[] = [];
          let pushed = 0;
          // Jobs arrive between takes, as they do while a transaction is in flight.
          for (let round = 0; pushed < sizes.length || queue.length > 0; round += 1) {
            const arriving = arrivals[round % arrivals.length] as number;
            for (let i = 0; i < arriving && pushed < sizes.length; i += 1, pushed += 1) {
              queue.push(job(pushed, answers, { bytes: sizes[pushed] as number }));
            }
            if (queue.length === 0) continue;
            const batch = queue.takeBatch(0);
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxJobs);
            const bytes = batch.reduce((sum, p) => sum + p.bytes, 0);
            if (batch.length > 1) expect(bytes).toBeLessThanOrEqual(3000);
            taken.push(...ids(batch));
          }
          expect(taken).toEqual(sizes.map((_, index) => index));
          expect(answers).toEqual([]);
        },
      ),
      { numRuns: 40, endOnFailure: true }, // shrinking thousands of jobs takes minutes
    );
  });

  it('fails jobs past their deadline unwritten and skips them', () => {
    const queue = new WriteQueue<number>({ maxJobs: 10, maxBytes: 1e6, maxTopicBytes: 1e6 });
    const answers: Answer[] = [];
    queue.push(job(0, answers, { deadlineAtMs: 50 }));
    queue.push(job(1, answers, { deadlineAtMs: 200 }));
    queue.push(job(2, answers, { deadlineAtMs: 99 }));
    expect(ids(queue.takeBatch(100))).toEqual([1]);
    expect(answers).toEqual([
      { id: 0, outcome: 'KAFKA_TIMEOUT' },
      { id: 2, outcome: 'KAFKA_TIMEOUT' },
    ]);
    expect(queue.length).toBe(0);
  });

  it('writes the halves of a refused batch apart and first, then the queue', () => {
    const queue = new WriteQueue<number>({ maxJobs: 10, maxBytes: 1e6, maxTopicBytes: 1e6 });
    const answers: Answer[] = [];
    for (let id = 0; id < 5; id += 1) queue.push(job(id, answers));
    const refused = queue.takeBatch(0);
    queue.push(job(5, answers));
    expect(queue.splitAndRequeue(refused)).toBe(true);
    expect(queue.length).toBe(6);
    expect(ids(queue.takeBatch(0))).toEqual([0, 1, 2]);
    expect(ids(queue.takeBatch(0))).toEqual([3, 4]);
    expect(ids(queue.takeBatch(0))).toEqual([5]);
    expect(queue.splitAndRequeue(refused.slice(0, 1))).toBe(false);
  });

  it('fails everything waiting, groups apart included, after many jobs were taken', () => {
    const queue = new WriteQueue<number>({ maxJobs: 100, maxBytes: 1e9, maxTopicBytes: 1e9 });
    const answers: Answer[] = [];
    for (let id = 0; id < 2500; id += 1) queue.push(job(id, answers));
    for (let take = 0; take < 20; take += 1) queue.takeBatch(0); // past the compaction point
    queue.splitAndRequeue(queue.takeBatch(0).slice(0, 4));
    queue.failAll(new IntelrouteError('KAFKA_UNAVAILABLE', 'down'));
    expect(answers.map((a) => a.id)).toEqual([
      2000,
      2001,
      2002,
      2003,
      ...Array.from({ length: 400 }, (_, i) => 2100 + i),
    ]);
    expect(answers.every((a) => a.outcome === 'KAFKA_UNAVAILABLE')).toBe(true);
    expect(queue.length).toBe(0);
    expect(queue.takeBatch(0)).toEqual([]);
  });
});
