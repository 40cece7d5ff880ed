import { backoffDelayMs as exponentialBackoffMs } from '../core/backoff';
import { IntelrouteError } from '../core/errors';

/** How a failed attempt is retried: bounded attempts, exponential backoff with jitter. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retry). */
  readonly maxAttempts: number;
  /** Delay before the second attempt, before jitter. */
  readonly initialBackoffMs: number;
  /** Upper bound of the computed delay (a longer RetryInfo delay from the gateway still wins). */
  readonly maxBackoffMs: number;
  /** Growth factor of the delay from one attempt to the next. */
  readonly multiplier: number;
  /** Fraction of the delay drawn at random, both ways (0.2 = ±20 %), so clients spread out. */
  readonly jitter: number;
}

/** User input: any field may be left out and takes the default. */
export type RetryPolicyInput = Partial<RetryPolicy>;

/** Retries of one publish: 4 attempts over about 1.4 s, unless RetryInfo asks for longer. */
export const DEFAULT_PUBLISH_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
  multiplier: 2,
  jitter: 0.2,
});

/** Reopening a publish stream: 8 consecutive failed opens over about 30 s before giving up. */
export const DEFAULT_RECONNECT: RetryPolicy = Object.freeze({
  maxAttempts: 8,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
});

/**
 * Fills `input` from `defaults`, checks it and freezes it.
 * @throws IntelrouteError CLIENT_OPTIONS_INVALID listing every bad field
 */
export function compileRetryPolicy(
  input: RetryPolicyInput | undefined,
  defaults: RetryPolicy,
  label: string,
): RetryPolicy {
  const policy = { ...defaults, ...definedOnly(input ?? {}) };
  const problems = [
    Number.isInteger(policy.maxAttempts) && policy.maxAttempts >= 1 ? '' : 'maxAttempts >= 1',
    policy.initialBackoffMs >= 0 ? '' : 'initialBackoffMs >= 0',
    policy.maxBackoffMs >= policy.initialBackoffMs ? '' : 'maxBackoffMs >= initialBackoffMs',
    policy.multiplier >= 1 ? '' : 'multiplier >= 1',
    policy.jitter >= 0 && policy.jitter <= 1 ? '' : 'jitter from 0 to 1',
  ].filter((problem) => problem !== '');
  if (problems.length > 0) {
    throw new IntelrouteError(
      'CLIENT_OPTIONS_INVALID',
      `${label}: expected ${problems.join(', ')}`,
      { details: { problems } },
    );
  }
  return Object.freeze(policy);
}

/**
 * How long to wait after failed attempt number `attempt` (1-based): the exponential delay,
 * jittered, capped (core/backoff), and never shorter than the gateway's RetryInfo delay.
 * @param random a number in [0, 1): Math.random in production, fixed in tests
 */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryDelayMs: number | undefined,
  random: () => number = Math.random,
): number {
  const { initialBackoffMs: initialMs, maxBackoffMs: maxMs, multiplier, jitter } = policy;
  const delay = exponentialBackoffMs(attempt, { initialMs, maxMs, multiplier, jitter }, random);
  return Math.max(delay, Math.round(retryDelayMs ?? 0));
}

function definedOnly(input: RetryPolicyInput): RetryPolicyInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
