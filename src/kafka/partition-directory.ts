import type { KafkaAdmin } from './kafka-connection';
import { IntelrouteError } from '../core/errors';

/**
 * How many partitions each topic has, so that records can be given their partition before they
 * are sent (the writer needs each record's offset, and Kafka reports one base offset per
 * partition). Filled from metadata on demand; partition counts only change by `topics apply`,
 * after which `forget` is called or the process restarted.
 */
export class PartitionDirectory {
  private readonly counts = new Map<string, number>();

  constructor(private readonly admin: KafkaAdmin) {}

  /** Loads the counts of any of `topics` not known yet. @throws KAFKA_TOPIC_MISSING */
  async ensure(topics: Iterable<string>): Promise<void> {
    const missing = [...new Set(topics)].filter((topic) => !this.counts.has(topic));
    if (missing.length === 0) return;
    let metadata;
    try {
      metadata = await this.admin.fetchTopicMetadata({ topics: missing });
    } catch (cause) {
      throw new IntelrouteError(
        'KAFKA_TOPIC_MISSING',
        `cannot read metadata of ${missing.join(', ')}: are the topics provisioned (intelroute topics apply)?`,
        { cause },
      );
    }
    for (const topic of metadata.topics) this.counts.set(topic.name, topic.partitions.length);
  }

  /** The partition count of a topic loaded by `ensure`. @throws KAFKA_TOPIC_MISSING */
  partitionCount(topic: string): number {
    const count = this.counts.get(topic);
    if (count === undefined || count < 1) {
      throw new IntelrouteError('KAFKA_TOPIC_MISSING', `topic ${topic} is not provisioned`);
    }
    return count;
  }

  forget(): void {
    this.counts.clear();
  }
}
