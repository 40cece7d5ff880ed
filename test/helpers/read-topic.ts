import type { Kafka } from 'kafkajs';
import { readTopicToEnd } from '../../src/kafka/topic-reader';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Every committed record of `topic` up to its current end (read_committed, as our readers do),
 * sorted by partition and offset.
 */
export async function readAllCommitted(kafka: Kafka, topic: string): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const records = await readTopicToEnd({ kafka, admin, idleTimeoutMs: 20_000 }, topic);
    return records.map((r) => ({ ...r, topic, value: r.value ?? Buffer.alloc(0) }));
  } finally {
    await admin.disconnect();
  }
}
