import { backoffDelayMs, type BackoffPolicy } from '../../consumers';
import { isIntelrouteError } from '../../errors';
import type { OutboundRecord } from '../../kafka/record-format';
import type { TransactionalWriter } from '../../kafka/transactional-writer';
import type { Logger } from '../../telemetry/logger';
import { pauseWithHeartbeat } from '../../consumers/runtime/pause';

/**
 * What one input partition handled since its last commit: the latest state of every key that
 * changed (one changelog record per key, the last state wins) and the offset to resume from.
 */
export class PendingChangelog<S> {
  private dirty = new Map<string, S>();
  private next: string | undefined;
  private handled = 0;

  constructor(
    private readonly changelogTopic: string,
    private readonly encode: (state: S) => Buffer,
  ) {}

  /** The key's state changed while handling the current record. */
  put(key: string, state: S): void {
    this.dirty.set(key, state);
  }

  /** The record at `offset` is handled (whether or not it changed a state). */
  advance(offset: string): void {
    this.next = String(BigInt(offset) + 1n);
    this.handled += 1;
  }

  /** Records handled since the last take. */
  get size(): number {
    return this.handled;
  }

  /** The changelog records and the next offset to commit, or undefined when nothing waits. */
  take(): { records: OutboundRecord[]; nextOffset: string } | undefined {
    if (this.next === undefined) return undefined;
    const records = [...this.dirty].map(([key, state]) => ({
      topic: this.changelogTopic,
      key: Buffer.from(key, 'utf8'),
      value: this.encode(state),
      headers: { 'content-type': 'application/json' },
    }));
    const taken = { records, nextOffset: this.next };
    this.dirty = new Map();
    this.next = undefined;
    this.handled = 0;
    return taken;
  }
}

/** The writer and retry settings of a changelog commit. */
export interface CommitDeps {
  readonly writer: Pick<TransactionalWriter<never>, 'write'>;
  readonly group: string;
  readonly inputTopic: string;
  readonly commitTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly heartbeatIntervalMs: number;
  readonly logger: Logger;
}

/**
 * Commits the changelog records and the input offset in one Kafka transaction, so the state a
 * rebuild reads always matches the position the group resumes from. Retried with backoff until
 * it commits. Resolves false when the processor stops first (nothing of it is then assumed
 * committed: the caller drops the store, the records are read again by the next owner).
 * @throws what `heartbeat` throws (a rebalance while waiting to retry).
 */
export async function commitChangelog(
  deps: CommitDeps,
  partition: number,
  taken: { records: OutboundRecord[]; nextOffset: string },
  context: { heartbeat(): Promise<void>; signal: AbortSignal },
): Promise<boolean> {
  const offset = { groupId: deps.group, topic: deps.inputTopic, partition };
  for (let attempt = 1; ; attempt += 1) {
    try {
      await deps.writer.write({
        records: taken.records,
        events: [],
        consumerOffsets: [{ ...offset, offset: taken.nextOffset }],
        deadlineAtMs: Date.now() + deps.commitTimeoutMs,
      });
      return true;
    } catch (error) {
      if (isIntelrouteError(error, 'SHUTTING_DOWN') || context.signal.aborted) return false;
      const why = isIntelrouteError(error) ? `${error.code}: ${error.message}` : String(error);
      deps.logger.warn({ err: why, attempt, partition }, 'changelog commit failed; retrying');
      const wait = backoffDelayMs(attempt, deps.backoff);
      const waited = await pauseWithHeartbeat(
        wait,
        context.signal,
        context.heartbeat,
        deps.heartbeatIntervalMs,
      );
      if (!waited) return false;
    }
  }
}
