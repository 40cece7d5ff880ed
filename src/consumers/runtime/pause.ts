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
 * Waits for `work`, calling `heartbeat` every `heartbeatEveryMs` meanwhile (a long load between
 * a join and the first batch must not cost the group membership).
 * @throws what `work` or `heartbeat` throws.
 */
export async function awaitWithHeartbeat(
  work: Promise<void>,
  heartbeat: () => Promise<void>,
  heartbeatEveryMs: number,
): Promise<void> {
  const done = work.then(() => true);
  for (;;) {
    // unref: a pending tick never holds the process open.
    const tick = sleep(heartbeatEveryMs, false, { ref: false });
    if (await Promise.race([done, tick])) return;
    await heartbeat();
  }
}
