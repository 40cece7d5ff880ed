import { IntelrouteError } from '../core/errors';
import { Fifo } from '../core/fifo';
import type { RecordLocation, WriteJob } from './transactional-writer';

/** A job waiting for its transaction, with what batching needs to know of its size. */
export interface PendingJob<E> {
  readonly job: WriteJob<E>;
  /** Record bytes per topic (recordBytes, batch overhead included). */
  readonly topicBytes: ReadonlyMap<string, number>;
  readonly bytes: number;
  resolve(locations: RecordLocation[]): void;
  reject(error: IntelrouteError): void;
}

export interface BatchLimits {
  /** Most jobs in one transaction. */
  readonly maxJobs: number;
  /** Most record bytes in one transaction. */
  readonly maxBytes: number;
  /**
   * Most record bytes per topic in one transaction: Kafka refuses a partition's record batch
   * above the topic's `max.message.bytes`, and that refusal would fail every job of the batch.
   */
  readonly maxTopicBytes: number;
}

/**
 * The writer's queue: jobs in arrival order, batched within limits, and groups of jobs that
 * must be written apart (the halves of a batch Kafka refused a record of, so the job at fault
 * is found and the others are written without it). Groups go first, one per transaction.
 */
export class WriteQueue<E> {
  private readonly waiting = new Fifo<PendingJob<E>>();
  private readonly apart: PendingJob<E>[][] = [];

  constructor(private readonly limits: BatchLimits) {}

  get length(): number {
    return this.waiting.length + this.apart.reduce((sum, group) => sum + group.length, 0);
  }

  push(pending: PendingJob<E>): void {
    this.waiting.push(pending);
  }

  /**
   * The next transaction's jobs: a group to write apart, else as many queued jobs as the limits
   * allow (at least one). Jobs past their deadline are failed with KAFKA_TIMEOUT, unwritten.
   */
  takeBatch(nowMs: number): PendingJob<E>[] {
    while (this.apart.length > 0) {
      const group = live(this.apart.shift() ?? [], nowMs);
      if (group.length > 0) return group;
    }
    const batch: PendingJob<E>[] = [];
    const perTopic = new Map<string, number>();
    let bytes = 0;
    for (let next = this.waiting.peek(); next !== undefined; next = this.waiting.peek()) {
      if (batch.length >= this.limits.maxJobs) break;
      if (batch.length > 0 && !this.fits(next, bytes, perTopic)) break;
      this.waiting.dropFirst();
      if (live([next], nowMs).length === 0) continue;
      batch.push(next);
      bytes += next.bytes;
      for (const [topic, size] of next.topicBytes) {
        perTopic.set(topic, (perTopic.get(topic) ?? 0) + size);
      }
    }
    return batch;
  }

  /**
   * Puts a failed batch back as two halves written apart, first in line; false for a batch of
   * one job (it is the one at fault: the caller fails it).
   */
  splitAndRequeue(batch: readonly PendingJob<E>[]): boolean {
    if (batch.length < 2) return false;
    const half = Math.ceil(batch.length / 2);
    this.apart.unshift(batch.slice(0, half), batch.slice(half));
    return true;
  }

  /** Fails every waiting job with `error`. */
  failAll(error: IntelrouteError): void {
    const waiting = [...this.apart.splice(0).flat(), ...this.waiting.takeAll()];
    for (const pending of waiting) pending.reject(error);
  }

  private fits(next: PendingJob<E>, bytes: number, perTopic: ReadonlyMap<string, number>): boolean {
    if (bytes + next.bytes > this.limits.maxBytes) return false;
    for (const [topic, size] of next.topicBytes) {
      if ((perTopic.get(topic) ?? 0) + size > this.limits.maxTopicBytes) return false;
    }
    return true;
  }
}

/** The jobs of `jobs` still within their deadline; the others are failed. */
function live<E>(jobs: readonly PendingJob<E>[], nowMs: number): PendingJob<E>[] {
  return jobs.filter((pending) => {
    if (pending.job.deadlineAtMs > nowMs) return true;
    pending.reject(
      new IntelrouteError(
        'KAFKA_TIMEOUT',
        'deadline passed before Kafka took the message; nothing was written',
      ),
    );
    return false;
  });
}
