import { isIntelrouteError } from '../../core/errors';
import type { IntelrouteMetrics } from '../../telemetry/intelroute-metrics';
import type { Logger } from '../../telemetry/logger';
import type { TransactionalWriter, WriteJob } from '../transactional-writer';
import { backoffDelayMs, type BackoffPolicy } from '../../core/backoff';
import { pauseWithHeartbeat } from './heartbeat-wait';

/** The writer and retry settings of a stream's commit transactions. */
export interface CommitDeps<E> {
  readonly writer: Pick<TransactionalWriter<E>, 'write'>;
  readonly metrics?: Pick<IntelrouteMetrics, 'produceDuration'>;
  readonly commitTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly heartbeatEveryMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The batch's heartbeat (kept up while waiting to retry) and the stream's stop signal. */
export interface CommitContext {
  heartbeat(): Promise<void>;
  readonly signal: AbortSignal;
}

/**
 * Writes one commit transaction (output records, audit events, the input offsets) and retries
 * it with backoff until it commits: the input was already handled, so only the commit is
 * repeated, never the handling. A commit whose outcome Kafka left unknown may thus be written
 * twice; that repeats keyed records (compacted) and audit records, and moves the offsets to the
 * same place. Resolves true once committed, false when the stream stops before it could commit
 * (the input is then read again by the next owner of its partition).
 * @throws what `heartbeat` throws (a rebalance while waiting to retry).
 */
export async function commitTransaction<E>(
  deps: CommitDeps<E>,
  job: Omit<WriteJob<E>, 'deadlineAtMs'>,
  context: CommitContext,
): Promise<boolean> {
  const now = deps.now ?? Date.now;
  for (let attempt = 1; ; attempt += 1) {
    const started = now();
    try {
      await deps.writer.write({ ...job, deadlineAtMs: started + deps.commitTimeoutMs });
      deps.metrics?.produceDuration(now() - started, { component: 'reader', outcome: 'ok' });
      return true;
    } catch (error) {
      const outcome = isIntelrouteError(error, 'KAFKA_TIMEOUT') ? 'timeout' : 'error';
      deps.metrics?.produceDuration(now() - started, { component: 'reader', outcome });
      if (isIntelrouteError(error, 'SHUTTING_DOWN') || context.signal.aborted) return false;
      const partitions = job.consumerOffsets?.map((at) => `${at.topic}/${at.partition}`);
      deps.logger.warn(
        { err: describe(error), attempt, partitions },
        'commit transaction failed; retrying the commit',
      );
      const wait = backoffDelayMs(attempt, deps.backoff, deps.random);
      const every = deps.heartbeatEveryMs;
      if (!(await pauseWithHeartbeat(wait, context.signal, context.heartbeat, every))) return false;
    }
  }
}

function describe(error: unknown): string {
  if (isIntelrouteError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
