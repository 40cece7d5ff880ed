import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `attempt` again while it fails with an error kafkajs marks retriable (a leader moving, a
 * topic's metadata not yet on every broker), for at most `timeoutMs`; the last error is thrown.
 * Any other error is thrown at once.
 */
export async function retryRetriable<T>(attempt: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = (error as { retriable?: unknown } | null)?.retriable === true;
      if (!retriable || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}
