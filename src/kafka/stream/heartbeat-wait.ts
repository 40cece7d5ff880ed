import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits `ms`, calling `heartbeat` at least every `heartbeatEveryMs` so the consumer group keeps
 * this member while it waits (kafkajs only heartbeats from the processing loop). Resolves false
 * as soon as `signal` aborts (the reader is stopping), true otherwise.
 * @throws what `heartbeat` throws: a rebalance must end the wait so the member can rejoin.
 */
export async function pauseWithHeartbeat(
  ms: number,
  signal: AbortSignal,
  heartbeat: () => Promise<void>,
  heartbeatEveryMs: number,
): Promise<boolean> {
  const until = Date.now() + ms;
  while (!signal.aborted) {
    const left = until - Date.now();
    if (left <= 0) return true;
    try {
      await sleep(Math.min(left, heartbeatEveryMs), undefined, { signal });
    } catch {
      return false; // aborted
    }
    await heartbeat();
  }
  return false;
}

/**
 * Resolves with `work`'s value, calling `heartbeat` every `heartbeatEveryMs` meanwhile (a long
 * load between a join and the first batch, or a state store rebuilt after an assignment, must not
 * cost the group membership).
 * @throws what `work` or `heartbeat` throws.
 */
export async function awaitWithHeartbeat<T>(
  work: Promise<T>,
  heartbeat: () => Promise<void>,
  heartbeatEveryMs: number,
): Promise<T> {
  const done = work.then((value) => ({ value }));
  for (;;) {
    // unref: a pending tick never holds the process open.
    const tick = sleep(heartbeatEveryMs, undefined, { ref: false });
    const first = await Promise.race([done, tick]);
    if (first !== undefined) return first.value;
    await heartbeat();
  }
}
