import type { Admin } from 'kafkajs';
import type { LocalKafkaCluster } from '../../../src/kafka/local';
import { eventually } from '../../helpers/eventually';

/** The partition of `topic` holding the most records now, and its leader. */
export async function busiestPartitionLeader(
  cluster: LocalKafkaCluster,
  admin: Admin,
  topic: string,
): Promise<{ partition: number; leader: number; records: bigint }> {
  const offsets = await admin.fetchTopicOffsets(topic);
  let busiest = { partition: -1, records: -1n };
  for (const p of offsets) {
    const records = BigInt(p.high) - BigInt(p.low);
    if (records > busiest.records) busiest = { partition: p.partition, records };
  }
  const leaders = await cluster.partitionLeaders(topic);
  const leader = leaders.find((p) => p.partition === busiest.partition)?.leader;
  if (leader === undefined || leader < 0) {
    throw new Error(`partition ${busiest.partition} of ${topic} has no leader`);
  }
  return { ...busiest, leader };
}

/**
 * Waits until every partition of `topics` has all its replicas in sync again (a restarted node
 * caught up), so the next fault starts from a healthy cluster rather than below min ISR.
 */
export async function waitForFullIsr(
  cluster: LocalKafkaCluster,
  topics: readonly string[],
  timeoutMs = 90_000,
): Promise<void> {
  await eventually(
    async () => {
      const lagging: string[] = [];
      for (const topic of topics) {
        const partitions = await cluster.partitionLeaders(topic).catch(() => undefined);
        if (partitions === undefined || partitions.length === 0)
          lagging.push(`${topic}: no answer`);
        for (const p of partitions ?? []) {
          if (p.isr.length < p.replicas.length) lagging.push(`${topic}/${p.partition}`);
        }
      }
      return lagging;
    },
    (lagging) => lagging.length === 0,
    { timeoutMs, intervalMs: 500 },
  );
}
