import type { Kafka } from 'kafkajs';
import { uniqueName } from './kafka';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/**
 * Every committed record of `topic` up to its current end (read_committed, as our readers do),
 * sorted by partition and offset. Waits until each partition's consumer position reaches the
 * high watermark, which with transactions may lie past the last record (a commit marker).
 */
export async function readAllCommitted(
  kafka: Kafka,
  topic: string,
  timeoutMs = 20_000,
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
  );
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const records: ReadRecord[] = [];
  if (pending.size === 0) {
    await admin.disconnect();
    return records;
  }
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), timeoutMs);
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          records.push({
            topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key,
            value: m.value ?? Buffer.alloc(0),
            headers: Object.fromEntries(
              Object.entries(m.headers ?? {}).map(([k, v]) => [
                k,
                String(Array.isArray(v) ? v[0] : v),
              ]),
            ),
          });
        }
        // The batch's last offset (records or control markers) tells how far the partition is read.
        if (BigInt(batch.lastOffset()) + 1n >= (ends.get(batch.partition) ?? 0n))
          pending.delete(batch.partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  return records.sort(
    (x, y) => x.partition - y.partition || Number(BigInt(x.offset) - BigInt(y.offset)),
  );
}
