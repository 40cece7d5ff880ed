import type { PartitionBatch } from '../stream-record';

/**
 * Partitions paused for a retry backoff, each with its resume timer: kafkajs fetches the other
 * partitions meanwhile, and the paused one is read again from the message to retry once the
 * timer fires. `clear()` (on stop) drops the timers.
 */
export class PartitionPauses {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Pauses the batch's partition for `ms`, then resumes it. */
  pauseFor(payload: Pick<PartitionBatch, 'pause'>, ms: number): void {
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      resume();
    }, ms);
    timer.unref(); // a pending retry never holds the process open
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
