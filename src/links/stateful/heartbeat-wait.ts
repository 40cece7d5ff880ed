import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits `ms`, calling `heartbeat` at least every `everyMs` so the consumer group keeps this member
 * while it waits (kafkajs heartbeats only from its processing loop). Resolves false as soon as
 * `signal` aborts, true once the time is up.
 * @throws what `heartbeat` throws: a rebalance ends the wait, so the member can rejoin.
 */
export async function waitWithHeartbeat(
  ms: number,
  signal: AbortSignal,
  heartbeat: () => Promise<void>,
  everyMs: number,
): Promise<boolean> {
  const until = Date.now() + ms;
  while (!signal.aborted) {
    const left = until - Date.now();
    if (left <= 0) return true;
    try {
      await sleep(Math.min(left, everyMs), undefined, { signal });
    } catch {
      return false;
    }
    await heartbeat();
  }
  return false;
}

/**
 * Resolves with `work`'s value, heartbeating every `everyMs` meanwhile (a state store rebuilt
 * after an assignment must not cost the group membership).
 * @throws what `work` or `heartbeat` throws.
 */
export async function awaitWithHeartbeat<T>(
  work: Promise<T>,
  heartbeat: () => Promise<void>,
  everyMs: number,
): Promise<T> {
  const done = work.then((value) => ({ value }));
  for (;;) {
    const tick = sleep(everyMs, undefined, { ref: false });
    const first = await Promise.race([done, tick]);
    if (first !== undefined) return first.value;
    await heartbeat();
  }
}
