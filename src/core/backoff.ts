/**
 * How a failing attempt is retried: exponential, capped, with jitter. The one backoff of the
 * code base: readers' handler retries, offset commits, system publishers, the Kafka writer's
 * reconnection, kafkajs-retriable admin calls and the client SDK's retries all use it.
 */
export interface BackoffPolicy {
  /** Wait after the first failed attempt. */
  readonly initialMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
  /** Growth per attempt (default 2). */
  readonly multiplier?: number;
  /** Each wait is spread by ±jitter×wait (0–1, default 0.2) so retries of many readers scatter. */
  readonly jitter?: number;
}

/**
 * The wait in ms after failed attempt `attempt` (1-based): initialMs × multiplier^(attempt-1),
 * capped at maxMs, then spread by the jitter; never above maxMs nor below 0. Pure: `random`
 * (0 ≤ r < 1) is passed in; 0.5 gives the undisturbed schedule.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const multiplier = policy.multiplier ?? 2;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.2));
  const exponent = Math.max(0, attempt - 1);
  // Capped before multiplying further, so a large attempt number cannot overflow to Infinity.
  const base = Math.min(
    policy.maxMs,
    policy.initialMs * Math.pow(multiplier, Math.min(exponent, 64)),
  );
  const spread = base * jitter * (2 * random() - 1);
  return Math.round(Math.min(policy.maxMs, Math.max(0, base + spread)));
}
