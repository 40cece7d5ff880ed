import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, type BackoffPolicy } from '../core/backoff';

/** 100 ms, doubling to 1 s: metadata reaches every broker within a few hundred ms. */
const RETRIABLE_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 1000, jitter: 0 };

/**
 * Runs `attempt` again while it fails with an error kafkajs marks retriable (a leader moving, a
 * topic's metadata not yet on every broker), for at most `timeoutMs`; the last error is thrown.
 * Any other error is thrown at once.
 */
export async function retryRetriable<T>(attempt: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let failures = 1; ; failures += 1) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = (error as { retriable?: unknown } | null)?.retriable === true;
      const delay = backoffDelayMs(failures, RETRIABLE_BACKOFF);
      if (!retriable || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}
