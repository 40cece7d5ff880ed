import { isIntelrouteError } from '../../../core/errors';
import type { Logger } from '../../../telemetry/logger';
import type { SpanScope } from '../../../telemetry/span-scope';
import { backoffDelayMs, type BackoffPolicy } from '../../../core/backoff';
import type { MessageHandler, ReaderDelivery } from './reader-types';

/** How often, and how far apart, a failing handler is tried. */
export interface AttemptPolicy {
  /** Attempts before giving up (1 = no retry). */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
}

/** What one handler call decided. */
export type AttemptOutcome =
  | { readonly kind: 'handled'; readonly attempts: number }
  | {
      readonly kind: 'failed';
      readonly attempts: number;
      readonly description: string;
      readonly error: unknown;
    }
  | {
      readonly kind: 'retry';
      readonly attempts: number;
      readonly delayMs: number;
      readonly error: unknown;
    };

/**
 * Calls the handler once, as attempt `attempt`, and says what comes next: `handled`; `retry`
 * after `delayMs` (exponential backoff); or `failed` — after `maxAttempts`, or at once for an
 * IntelrouteError that is not retriable (the sink refused the message for good). The call is
 * never cut short: a handler runs to its end.
 */
export async function attemptHandler(
  handler: MessageHandler,
  delivery: ReaderDelivery,
  policy: AttemptPolicy,
  signal: AbortSignal,
  deps: { logger: Logger; random: () => number; span?: Pick<SpanScope, 'run'> },
): Promise<AttemptOutcome> {
  const attempts = delivery.attempt;
  try {
    const call = (): Promise<void> => handler(delivery, signal);
    // Inside the message's span, so the handler's own spans and log lines join its trace (when
    // spans are recorded: only then is a context manager installed).
    await (deps.span === undefined ? call() : deps.span.run(call));
    return { kind: 'handled', attempts };
  } catch (error) {
    const description = describeFailure(error);
    const permanent = isIntelrouteError(error) && !error.retriable;
    if (permanent || attempts >= policy.maxAttempts) {
      return { kind: 'failed', attempts, description, error };
    }
    const delayMs = backoffDelayMs(attempts, policy.backoff, deps.random);
    deps.logger.warn(
      { err: description, attempt: attempts, retryInMs: delayMs, traceId: delivery.trace.traceId },
      'handler failed; retrying',
    );
    return { kind: 'retry', attempts, delayMs, error };
  }
}

const MAX_DESCRIPTION = 500;

/** "CODE: message" (or the error's name), cut to 500 characters for records and logs. */
export function describeFailure(error: unknown): string {
  const text = isIntelrouteError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : `thrown: ${String(error)}`;
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}
