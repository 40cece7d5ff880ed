import type { RecordLocation } from '../../../kafka/transactional-writer';

/**
 * How many times the handler was tried on the message a partition is stuck on. A message to
 * retry is not waited for in the batch handler (that would stall every partition of the fetch):
 * its partition is paused for the backoff and the message is read again, so the count has to
 * outlive the batch. Forgotten on a rebalance (a new owner starts counting again).
 */
export class RetryBook {
  private readonly stuck = new Map<string, { offset: string; attempts: number }>();

  /** The attempt number the next handler call on this record is. */
  nextAttempt(location: RecordLocation): number {
    const entry = this.stuck.get(slot(location));
    return entry?.offset === location.offset ? entry.attempts + 1 : 1;
  }

  /** Records a failed attempt that will be retried. */
  failed(location: RecordLocation, attempts: number): void {
    this.stuck.set(slot(location), { offset: location.offset, attempts });
  }

  /** The partition moved past its record (handled or dead-lettered). */
  settled(location: RecordLocation): void {
    this.stuck.delete(slot(location));
  }

  clear(): void {
    this.stuck.clear();
  }
}

function slot(location: RecordLocation): string {
  return `${location.topic}/${location.partition}`;
}
