import type { KafkaConnection } from './kafka-connection';

/** The brokers a cluster reports now. */
export interface BrokerCensus {
  readonly brokers: number;
  readonly controller: number | null;
}

/** How far a consumer group is behind the end of one topic it committed offsets for. */
export interface GroupLag {
  readonly group: string;
  readonly topic: string;
  readonly lag: number;
}

export interface GroupLagOptions {
  /** Only topics starting with it. */
  readonly topicPrefix: string;
  /** Groups left out (throwaway readers). */
  readonly skipGroup: (groupId: string) => boolean;
  /** The most groups asked about (the first by name). */
  readonly maxGroups: number;
}

/** DescribeCluster. @throws what kafkajs throws when no broker answers. */
export async function brokerCensus({ admin }: KafkaConnection): Promise<BrokerCensus> {
  const cluster = await admin.describeCluster();
  return { brokers: cluster.brokers.length, controller: cluster.controller };
}

/**
 * Each group's lag per topic: committed offsets against the last stable offsets (what a
 * read_committed reader can still read), summed over partitions; a partition with no committed
 * offset counts nothing. Largest first.
 * @throws what kafkajs throws.
 */
export async function groupLags(
  { admin }: KafkaConnection,
  options: GroupLagOptions,
): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const chosen = groups
    .map((group) => group.groupId)
    .filter((id) => !options.skipGroup(id))
    .sort()
    .slice(0, options.maxGroups);
  const ends = new Map<string, Promise<Map<number, bigint>>>();
  const endsOf = (topic: string): Promise<Map<number, bigint>> => {
    let known = ends.get(topic);
    if (known === undefined) {
      known = admin
        .fetchTopicOffsets(topic)
        .then((offsets) => new Map(offsets.map((p) => [p.partition, BigInt(p.offset)] as const)));
      ends.set(topic, known);
    }
    return known;
  };
  const lags: GroupLag[] = [];
  for (const group of chosen) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group })) {
      if (!topic.startsWith(options.topicPrefix)) continue;
      const topicEnds = await endsOf(topic);
      let lag = 0n;
      for (const { partition, offset } of partitions) {
        const end = topicEnds.get(partition) ?? 0n;
        const committed = BigInt(offset);
        if (committed >= 0n && end > committed) lag += end - committed;
      }
      lags.push({ group, topic, lag: Number(lag) });
    }
  }
  return lags.sort((a, b) => b.lag - a.lag || a.group.localeCompare(b.group));
}
