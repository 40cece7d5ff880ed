import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value `accept` takes, or fails after `timeoutMs` with the last
 * value seen. For states that converge (ISR rejoin, consumer catch-up), not to hide flakiness.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (accept(last)) return last;
    await sleep(intervalMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
