import { setTimeout as sleep } from 'node:timers/promises';
import { isIntelrouteError } from '../../../core/errors';
import type { ConsumerOffset, TransactionalWriter } from '../../../kafka/transactional-writer';
import type { Logger } from '../../../telemetry/logger';
import { backoffDelayMs, type BackoffPolicy } from '../../../core/backoff';
import type { ReaderEvent } from '../runtime/reader-events';

/** The writer and retry settings of a subscription's commits. */
export interface CommitFlusherOptions {
  readonly writer: Pick<TransactionalWriter<ReaderEvent>, 'write'>;
  readonly commitTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly logger: Logger;
  /** Attempts of the last flush when draining (stop); default 3. */
  readonly drainAttempts?: number;
  readonly now?: () => number;
}

/**
 * Commits a subscription's acks: ACKED audit records and the new offsets of each partition's
 * acked prefix, one transaction at a time, coalescing whatever arrived while the previous one
 * was written (a burst of acks costs one transaction). A failed transaction is retried with
 * backoff: its offsets are kept (only the highest per partition matters) and its audit records
 * written with the next one.
 */
export class CommitFlusher {
  private events: ReaderEvent[] = [];
  private readonly offsets = new Map<string, ConsumerOffset>();
  /** The highest offset committed per group and partition (what a resumption must start at). */
  private readonly committedOffsets = new Map<string, ConsumerOffset>();
  private running: Promise<void> | undefined;
  private draining = false;
  /** The last run gave up (stopping): what is left waits for the next add. */
  private gaveUp = false;

  constructor(private readonly options: CommitFlusherOptions) {}

  /** Queues audit events and an offset to commit, and starts a flush unless one runs. */
  add(events: readonly ReaderEvent[], offset?: ConsumerOffset): void {
    this.events.push(...events);
    if (offset !== undefined) this.mergeOffset(offset);
    this.kick();
  }

  /** Starts the flush loop unless it runs; what is queued as it ends starts it again. */
  private kick(): void {
    if (this.running !== undefined) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (!this.gaveUp && (this.events.length > 0 || this.offsets.size > 0)) this.kick();
    });
  }

  /** Writes what is queued (a few attempts), then resolves; later adds still flush. */
  async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.running !== undefined) await this.running;
    } finally {
      this.draining = false;
    }
  }

  private async run(): Promise<void> {
    this.gaveUp = false;
    let failures = 0;
    while (this.events.length > 0 || this.offsets.size > 0) {
      const events = this.events.splice(0);
      const offsets = [...this.offsets.values()];
      this.offsets.clear();
      try {
        const now = (this.options.now ?? Date.now)();
        await this.options.writer.write({
          records: [],
          events,
          consumerOffsets: offsets,
          deadlineAtMs: now + this.options.commitTimeoutMs,
        });
        for (const offset of offsets) mergeInto(this.committedOffsets, offset);
        failures = 0;
      } catch (error) {
        failures += 1;
        this.requeue(events, offsets);
        const why = error instanceof Error ? error.message : String(error);
        this.options.logger.warn({ err: why, failures }, 'subscription commit failed; retrying');
        if (
          isIntelrouteError(error, 'SHUTTING_DOWN') ||
          (this.draining && failures >= (this.options.drainAttempts ?? 3))
        ) {
          this.gaveUp = true;
          return;
        }
        await sleep(backoffDelayMs(failures, this.options.backoff));
      }
    }
  }

  private requeue(events: readonly ReaderEvent[], offsets: readonly ConsumerOffset[]): void {
    this.events.unshift(...events);
    for (const offset of offsets) this.mergeOffset(offset);
  }

  /** The offsets committed so far, the highest per group and partition. */
  committed(): ConsumerOffset[] {
    return [...this.committedOffsets.values()];
  }

  /** Keeps the highest offset per group and partition. */
  private mergeOffset(offset: ConsumerOffset): void {
    mergeInto(this.offsets, offset);
  }
}

function mergeInto(offsets: Map<string, ConsumerOffset>, offset: ConsumerOffset): void {
  const slot = `${offset.groupId}|${offset.topic}|${offset.partition}`;
  const previous = offsets.get(slot);
  if (previous === undefined || BigInt(previous.offset) < BigInt(offset.offset)) {
    offsets.set(slot, offset);
  }
}
