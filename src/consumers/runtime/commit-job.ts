import { isIntelrouteError } from '../../errors';
import type { TransactionalWriter, WriteJob } from '../../kafka/transactional-writer';
import type { IntelrouteMetrics } from '../../telemetry/intelroute-metrics';
import type { Logger } from '../../telemetry/logger';
import { backoffDelayMs, type BackoffPolicy } from '../backoff';
import { pauseWithHeartbeat } from './pause';
import type { ReaderEvent } from './reader-events';

/** The writer and retry settings a commit transaction uses. */
export interface CommitDeps {
  readonly writer: Pick<TransactionalWriter<ReaderEvent>, 'write'>;
  readonly metrics: Pick<IntelrouteMetrics, 'produceDuration'>;
  readonly commitTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly heartbeatEveryMs: number;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
}

/** The batch's heartbeat (kept up while waiting to retry) and the reader's stop signal. */
export interface CommitContext {
  heartbeat(): Promise<void>;
  readonly signal: AbortSignal;
}

/**
 * Writes one commit transaction (records, audit events, consumer offsets) and retries it with
 * backoff until it commits: the handler already ran, so only the commit is repeated, never the
 * handler. A commit whose outcome Kafka left unknown may thus be written twice; that repeats a
 * processed mark (same key, compacted) and an audit record, and moves the offset to the same
 * place. Resolves true once committed, false when the reader stops before it could commit (the
 * message is then read again on the next start).
 * @throws what `heartbeat` throws (a rebalance while waiting to retry).
 */
export async function commitJob(
  deps: CommitDeps,
  job: Omit<WriteJob<ReaderEvent>, 'deadlineAtMs'>,
  context: CommitContext,
): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    const started = deps.now();
    try {
      await deps.writer.write({ ...job, deadlineAtMs: started + deps.commitTimeoutMs });
      deps.metrics.produceDuration(deps.now() - started, { component: 'reader', outcome: 'ok' });
      return true;
    } catch (error) {
      const outcome = isIntelrouteError(error, 'KAFKA_TIMEOUT') ? 'timeout' : 'error';
      deps.metrics.produceDuration(deps.now() - started, { component: 'reader', outcome });
      if (isIntelrouteError(error, 'SHUTTING_DOWN')) return false;
      deps.logger.warn(
        { err: describe(error), attempt },
        'commit transaction failed; retrying the commit',
      );
      if (context.signal.aborted) return false;
      const wait = backoffDelayMs(attempt, deps.backoff, deps.random);
      const waited = await pauseWithHeartbeat(
        wait,
        context.signal,
        context.heartbeat,
        deps.heartbeatEveryMs,
      );
      if (!waited) return false;
    }
  }
}

function describe(error: unknown): string {
  if (isIntelrouteError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
