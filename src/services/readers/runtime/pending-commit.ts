import type { OutboundRecord } from '../../../kafka/record-format';
import type { IntelrouteMetrics } from '../../../telemetry/intelroute-metrics';
import type { ProcessedIds } from '../dedupe/processed-ids';
import {
  commitTransaction,
  type CommitContext,
  type CommitDeps,
} from '../../../kafka/stream/commit-transaction';
import type { CommitEntry } from './message-processor';
import type { ReaderEvent } from './reader-events';

/** What a partition's PendingCommit needs, passed in by the runtime. */
export interface PendingCommitDeps extends CommitDeps<ReaderEvent> {
  readonly group: string;
  readonly metrics: Pick<IntelrouteMetrics, 'produceDuration' | 'readerMessage'>;
  readonly now: () => number;
  readonly processedIds: Pick<ProcessedIds, 'committed' | 'abandoned'>;
  /** Commit once this many records wait... */
  readonly maxMessages: number;
  /** ...or once the oldest has waited this long. */
  readonly maxDelayMs: number;
}

/**
 * What one partition handled but has not committed yet, committed as one transaction: the
 * processed marks, dead letters and audit events of those records, and the partition's offset
 * after the last of them. A Kafka transaction costs tens of milliseconds, so committing a run
 * of messages together is what makes the reader fast; the price is that a crash replays at most
 * that run (`maxMessages`, `maxDelayMs`) to the handler.
 */
export class PendingCommit {
  private records: OutboundRecord[] = [];
  private events: ReaderEvent[] = [];
  private marks: Array<{ identity: string; atMs: number }> = [];
  private entries: CommitEntry[] = [];
  private nextOffset: string | undefined;
  private count = 0;
  private sinceMs = 0;

  constructor(
    private readonly deps: PendingCommitDeps,
    private readonly topic: string,
    private readonly partition: number,
  ) {}

  /** Adds a record's entry; `offset` is the record's (the commit moves past it). */
  add(entry: CommitEntry, offset: string): void {
    if (this.count === 0) this.sinceMs = this.deps.now();
    this.records.push(...entry.records);
    this.events.push(...entry.events);
    this.entries.push(entry);
    if (entry.processed !== undefined) this.marks.push({ ...entry.processed });
    this.nextOffset = String(BigInt(offset) + 1n);
    this.count += 1;
  }

  /** True when the waiting run is long or old enough to commit now. */
  get due(): boolean {
    return this.count >= this.deps.maxMessages || this.dueByAge;
  }

  /** True when the oldest waiting record waited `maxDelayMs`: the handler is slow. */
  get dueByAge(): boolean {
    return this.count > 0 && this.deps.now() - this.sinceMs >= this.deps.maxDelayMs;
  }

  /**
   * Commits what waits (retrying the transaction until it commits). Resolves false when the
   * reader stopped first: those messages are then read and handled again on the next start.
   * @throws what the context's heartbeat throws while waiting to retry.
   */
  async flush(context: CommitContext): Promise<boolean> {
    if (this.count === 0 || this.nextOffset === undefined) return true;
    const { records, events, marks, entries, nextOffset } = this;
    this.reset();
    const offset = { groupId: this.deps.group, topic: this.topic, partition: this.partition };
    let committed = false;
    try {
      committed = await commitTransaction(
        this.deps,
        { records, events, consumerOffsets: [{ ...offset, offset: nextOffset }] },
        context,
      );
    } finally {
      if (committed) this.deps.processedIds.committed(marks);
      else this.deps.processedIds.abandoned(marks.map((mark) => mark.identity));
      this.settle(entries, committed);
    }
    return committed;
  }

  /** Counts the committed records by outcome and ends their spans (committed or not). */
  private settle(entries: readonly CommitEntry[], committed: boolean): void {
    for (const entry of entries) {
      if (committed)
        this.deps.metrics.readerMessage({ group: this.deps.group, outcome: entry.outcome });
      entry.span?.end();
    }
  }

  private reset(): void {
    this.entries = [];
    this.records = [];
    this.events = [];
    this.marks = [];
    this.nextOffset = undefined;
    this.count = 0;
  }
}
