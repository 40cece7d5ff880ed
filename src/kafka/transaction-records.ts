import type { KafkaRecordMetadata, KafkaTopicMessages } from './kafka-connection';
import { IntelrouteError } from '../core/errors';
import type { OutboundRecord } from './record-format';
import type { ConsumerOffset, RecordLocation, WriteJob } from './transactional-writer';

/** How the records of one transaction are laid out for kafkajs, and read back from its answer. */

/** The highest offset per group/topic/partition of the batch, in kafkajs's sendOffsets shape. */
export function offsetsByGroup<E>(batch: readonly { job: WriteJob<E> }[]): Array<{
  consumerGroupId: string;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}> {
  const latest = new Map<string, Map<string, ConsumerOffset>>();
  for (const { job } of batch) {
    for (const offset of job.consumerOffsets ?? []) {
      const group = latest.get(offset.groupId) ?? new Map<string, ConsumerOffset>();
      latest.set(offset.groupId, group);
      const slot = `${offset.topic}/${offset.partition}`;
      const previous = group.get(slot);
      if (previous === undefined || BigInt(previous.offset) < BigInt(offset.offset))
        group.set(slot, offset);
    }
  }
  return [...latest].map(([consumerGroupId, group]) => {
    const topics = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const o of group.values())
      topics.set(o.topic, [
        ...(topics.get(o.topic) ?? []),
        { partition: o.partition, offset: o.offset },
      ]);
    return {
      consumerGroupId,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  });
}

export type Placed = { readonly record: OutboundRecord; readonly partition: number };

/** One entry per topic (records keep their order), each message with its partition. */
export function groupByTopic(placed: readonly Placed[]): KafkaTopicMessages[] {
  const byTopic = new Map<string, KafkaTopicMessages>();
  for (const { record, partition } of placed) {
    let entry = byTopic.get(record.topic);
    if (entry === undefined) {
      entry = { topic: record.topic, messages: [] };
      byTopic.set(record.topic, entry);
    }
    entry.messages.push({
      key: record.key,
      value: record.value,
      headers: { ...record.headers },
      partition,
    });
  }
  return [...byTopic.values()];
}

/** Offsets: Kafka reports one base offset per partition; records keep their order within it. */
export function locate(
  placed: readonly Placed[],
  metadata: readonly KafkaRecordMetadata[],
): RecordLocation[] {
  const base = new Map<string, bigint>();
  for (const m of metadata) {
    const slot = `${m.topicName}/${m.partition}`;
    // Two answers for one partition mean its records were appended twice within the transaction
    // (kafkajs resent a partition that had been written; see patches/README.md for the case that
    // hid the first answer). Aborting is the only safe answer: the copies vanish with the
    // transaction and the sender retries with the same message id.
    if (base.has(slot)) {
      throw new IntelrouteError(
        'KAFKA_UNAVAILABLE',
        `Kafka reported ${slot} twice in one send; aborting`,
      );
    }
    base.set(slot, BigInt(m.baseOffset ?? '-1'));
  }
  const seen = new Map<string, bigint>();
  return placed.map(({ record, partition }) => {
    const slot = `${record.topic}/${partition}`;
    const index = seen.get(slot) ?? 0n;
    seen.set(slot, index + 1n);
    const first = base.get(slot);
    if (first === undefined || first < 0n) {
      throw new IntelrouteError('KAFKA_UNAVAILABLE', `no offset reported for ${slot}`);
    }
    return { topic: record.topic, partition, offset: String(first + index) };
  });
}
