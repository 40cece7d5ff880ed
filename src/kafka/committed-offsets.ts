import type { KafkaClient } from './kafka-connection';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerOffset } from './transactional-writer';

/**
 * Waits until the group coordinator answers `offsets` (or later ones) for their groups. Offsets
 * committed inside a transaction become visible to OffsetFetch only once the transaction's
 * markers reach the offsets topic, a moment after the commit returned; a consumer joining in that
 * moment starts from the older offset and is handed again what was acknowledged (kafkajs cannot
 * ask for stable offsets). Resolves false when they are not visible within `timeoutMs`.
 */
export async function committedOffsetsVisible(
  kafka: KafkaClient,
  offsets: readonly ConsumerOffset[],
  timeoutMs: number,
): Promise<boolean> {
  if (offsets.length === 0) return true;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await allVisible(admin, offsets)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(25);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function allVisible(
  admin: ReturnType<KafkaClient['admin']>,
  offsets: readonly ConsumerOffset[],
): Promise<boolean> {
  for (const groupId of new Set(offsets.map((o) => o.groupId))) {
    const wanted = offsets.filter((o) => o.groupId === groupId);
    const topics = [...new Set(wanted.map((o) => o.topic))];
    const answer = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partition, offset } of wanted) {
      const found = answer
        .find((t) => t.topic === topic)
        ?.partitions.find((p) => p.partition === partition)?.offset;
      if (found === undefined || BigInt(found) < BigInt(offset)) return false;
    }
  }
  return true;
}
