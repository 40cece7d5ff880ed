import type { Logger } from '../telemetry/logger';
import { shutdownSignal, stopWithin } from './shutdown-signal';

/** How a long-running command ended. */
export type RunEnd =
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals }
  /** The service ended on its own (a consumer failed, the local broker died): the reason. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface LongRunningParts {
  readonly name: string;
  readonly logger: Logger;
  /** The whole stop, bounded: past it the process exits with code 1. */
  readonly graceMs: number;
  readonly start: () => Promise<void>;
  /** Stops what started, also when called while `start` is still under way. Idempotent. */
  readonly stop: () => Promise<void>;
  /** Resolves with a reason if the service ends on its own; never resolves otherwise. */
  readonly failure?: Promise<string>;
  /** Called once started (the ready line). */
  readonly onReady?: () => void;
}

/**
 * Runs a service until SIGINT/SIGTERM or its own failure, then stops it within `graceMs`. The
 * signal is listened for before the service starts: a SIGTERM while Kafka is unreachable and the
 * start keeps retrying stops it too (the grace timer ends the process if the start cannot be
 * interrupted). @throws what `start` throws, once what started is stopped.
 */
export async function runUntilStopped(parts: LongRunningParts): Promise<RunEnd> {
  const { name, logger } = parts;
  const signal = shutdownSignal((again) => logger.warn(`${again}: already stopping`)).then(
    (received): RunEnd => ({ kind: 'signal', signal: received }),
  );
  const started = parts.start().then(() => undefined);
  let end: RunEnd | undefined;
  try {
    end = await Promise.race([started, signal]);
  } catch (error) {
    await stopWithin(parts.graceMs, parts.stop);
    throw error;
  }
  const interrupted = end !== undefined;
  if (end === undefined) {
    parts.onReady?.();
    const failure = (parts.failure ?? new Promise<never>(() => undefined)).then(
      (reason): RunEnd => ({ kind: 'failed', reason }),
    );
    end = await Promise.race([signal, failure]);
  }
  logger.info({ end }, `stopping the ${name}`);
  const deadline = Date.now() + parts.graceMs;
  await stopWithin(parts.graceMs, async () => {
    await parts.stop();
    if (!interrupted) return;
    // Stopped mid-start: once the start gives up or completes, stop what it started too. A
    // start that never settles (Kafka unreachable, retrying) is ended by the grace timer.
    await started.catch(() => undefined);
    await parts.stop();
  });
  exitIfStillHeld(deadline);
  return end;
}

/**
 * Everything is stopped; if a library still holds the process (a connection attempt kafkajs
 * started before the stop, retrying an unreachable broker), it ends at the grace period's end
 * anyway: counted from the signal, not from the end of the stop (a stop that took most of the
 * grace then left the process up to a second grace). At least 100 ms, so the caller's own
 * ending (its exit code, its last line) comes first. The timer is unref'd: it never delays a
 * process that has nothing left to do.
 */
function exitIfStillHeld(deadline: number): void {
  const remaining = Math.max(100, deadline - Date.now());
  setTimeout(() => process.exit(process.exitCode ?? 0), remaining).unref();
}
