import type { Admin, Consumer, Kafka, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { IntelrouteError } from '../core/errors';

/**
 * The Kafka client of a process (createKafkaClient builds it; it holds no connection itself).
 * Code outside the Kafka adapter only passes it on to the adapter's functions and classes.
 */
export type KafkaClient = Kafka;

/** A connected admin of a KafkaClient; outside the adapter only passed on, never called. */
export type KafkaAdmin = Admin;

/** The client's own handles, named here once for the adapter's files. */
export type KafkaConsumer = Consumer;
export type KafkaProducer = Producer;
export type KafkaRecordMetadata = RecordMetadata;
export type KafkaTopicMessages = TopicMessages;

/** A client and a connected admin: what the adapter's readers and writers work with. */
export interface KafkaConnection {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
}

/** A connection its opener closes once done with it. */
export interface OwnedKafkaConnection extends KafkaConnection {
  /** Disconnects the admin. Idempotent; never throws. */
  close(): Promise<void>;
}

/** Connects an admin of `kafka`. @throws what kafkajs throws when no broker answers. */
export async function openKafkaConnection(kafka: KafkaClient): Promise<OwnedKafkaConnection> {
  const admin = kafka.admin();
  await admin.connect();
  let closing: Promise<void> | undefined;
  return {
    kafka,
    admin,
    close: () => (closing ??= admin.disconnect().catch(() => undefined)),
  };
}

/**
 * The partition count of each of `topics`.
 * @throws IntelrouteError KAFKA_TOPIC_MISSING naming the first topic that does not exist.
 */
export async function partitionCounts(
  { admin }: KafkaConnection,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.find((topic) => !existing.has(topic));
  if (missing !== undefined) {
    throw new IntelrouteError('KAFKA_TOPIC_MISSING', `topic ${missing} does not exist`);
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  return new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
}

/** Deletes consumer groups; a group that cannot be deleted now is left to expire. */
export async function deleteGroupsQuietly(
  { admin }: KafkaConnection,
  groupIds: readonly string[],
): Promise<void> {
  await admin.deleteGroups([...groupIds]).catch(() => undefined);
}
