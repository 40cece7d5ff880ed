import type { ConsumerLagSample } from './intelroute-metrics';

/**
 * Remembers, per topic partition, how far a consumer group is behind the end of the log, as
 * seen with each fetched batch (kafkajs `batch.highWatermark` and the offset just processed),
 * and sums it per topic for the `intelroute.consumer.lag` gauge. No I/O: the reader feeds it.
 */
export class ConsumerLagTracker {
  private readonly partitions = new Map<string, { topic: string; lag: number }>();

  constructor(private readonly group: string) {}

  /**
   * After processing `offset` of a partition whose high watermark (the offset the next record
   * will get) is `highWatermark`: the lag is `highWatermark - offset - 1`. Offsets are decimal
   * text as kafkajs hands them over; a value that does not parse is ignored.
   */
  record(topic: string, partition: number, highWatermark: string, offset: string): void {
    try {
      const lag = BigInt(highWatermark) - BigInt(offset) - 1n;
      this.partitions.set(`${topic}\u0000${partition}`, {
        topic,
        lag: Number(lag < 0n ? 0n : lag),
      });
    } catch {
      // Not a number: kafkajs never hands one over; skipping it keeps the reader going.
    }
  }

  /** Forgets partitions this member no longer owns (after a rebalance). */
  forget(topic: string, partition: number): void {
    this.partitions.delete(`${topic}\u0000${partition}`);
  }

  /** One sample per topic: the sum over its partitions. */
  samples(): ConsumerLagSample[] {
    const byTopic = new Map<string, number>();
    for (const { topic, lag } of this.partitions.values()) {
      byTopic.set(topic, (byTopic.get(topic) ?? 0) + lag);
    }
    return [...byTopic].map(([topic, lag]) => ({ group: this.group, topic, lag }));
  }
}
