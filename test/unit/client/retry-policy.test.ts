import {
  DEFAULT_PUBLISH_RETRY,
  backoffDelayMs,
  compileRetryPolicy,
} from '../../../src/client/retry-policy';
import { isIntelrouteError } from '../../../src/core/errors';

/** Backoff arithmetic (pure). */

const policy = compileRetryPolicy(
  { initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2, jitter: 0.2 },
  DEFAULT_PUBLISH_RETRY,
  'retry',
);
const middle = (): number => 0.5;

describe('backoffDelayMs', () => {
  it('grows exponentially from the initial delay and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) =>
      backoffDelayMs(attempt, policy, undefined, middle),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('spreads delays by ±jitter around the computed one', () => {
    expect(backoffDelayMs(2, policy, undefined, () => 0)).toBe(160);
    expect(backoffDelayMs(2, policy, undefined, () => 0.999_999)).toBe(240);
  });

  it('never waits less than the RetryInfo delay, even beyond the cap', () => {
    expect(backoffDelayMs(1, policy, 2_500, middle)).toBe(2_500);
    expect(backoffDelayMs(4, policy, 10, middle)).toBe(800);
  });
});

describe('compileRetryPolicy', () => {
  it('fills defaults and freezes', () => {
    const compiled = compileRetryPolicy({ maxAttempts: 2 }, DEFAULT_PUBLISH_RETRY, 'retry');
    expect(compiled).toEqual({ ...DEFAULT_PUBLISH_RETRY, maxAttempts: 2 });
    expect(Object.isFrozen(compiled)).toBe(true);
  });

  it('lists every bad field at once', () => {
    try {
      compileRetryPolicy(
        { maxAttempts: 0, multiplier: 0.5, jitter: 2 },
        DEFAULT_PUBLISH_RETRY,
        'retry',
      );
      throw new Error('accepted');
    } catch (error) {
      expect(isIntelrouteError(error, 'CLIENT_OPTIONS_INVALID')).toBe(true);
      expect((error as Error).message).toBe(
        'retry: expected maxAttempts >= 1, multiplier >= 1, jitter from 0 to 1',
      );
    }
  });
});
