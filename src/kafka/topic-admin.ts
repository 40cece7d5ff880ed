import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';
import { IntelrouteError } from '../core/errors';
import type { ExistingTopic, TopicChange } from './topic-diff';
import type { TopicSpec } from './topic-plan';

const LEADER_WAIT_MS = 30_000;

/**
 * Reads the current state of `names` (those that exist) from the cluster: partitions,
 * replication factor, and the topic-level config overrides.
 */
export async function describeExistingTopics(
  admin: Admin,
  names: readonly string[],
): Promise<Map<string, ExistingTopic>> {
  const present = new Set(await admin.listTopics());
  const wanted = names.filter((name) => present.has(name));
  const result = new Map<string, ExistingTopic>();
  if (wanted.length === 0) return result;

  const metadata = await admin.fetchTopicMetadata({ topics: wanted });
  const configs = await describeTopicConfigs(admin, wanted);
  for (const topic of metadata.topics) {
    result.set(topic.name, {
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
      configs: configs.get(topic.name) ?? {},
    });
  }
  return result;
}

/** Topic-level overrides (configSource TOPIC_CONFIG) of each topic; defaults are left out. */
async function describeTopicConfigs(
  admin: Admin,
  names: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const response = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  const byTopic = new Map<string, Record<string, string>>();
  for (const resource of response.resources) {
    const overrides: Record<string, string> = {};
    for (const entry of resource.configEntries) {
      if (entry.configSource === ConfigSource.TOPIC_CONFIG) {
        overrides[entry.configName] = entry.configValue;
      }
    }
    byTopic.set(resource.resourceName, overrides);
  }
  return byTopic;
}

/**
 * Carries out the changes that can be applied (creates, partition additions, config changes).
 * Conflicts are skipped: the caller reports them. kafkajs's AlterConfigs replaces a topic's whole
 * override set, so the current overrides are merged in to keep settings we do not manage.
 */
export async function applyTopicChanges(
  admin: Admin,
  changes: readonly TopicChange[],
  current: ReadonlyMap<string, ExistingTopic>,
): Promise<void> {
  const creates = changes.flatMap((c) => (c.kind === 'create' ? [c.spec] : []));
  if (creates.length > 0) await createTopicsAndWait(admin, creates);
  const additions = changes.flatMap((c) => (c.kind === 'add-partitions' ? [c] : []));
  if (additions.length > 0) {
    await admin.createPartitions({
      topicPartitions: additions.map((c) => ({ topic: c.name, count: c.to })),
    });
  }
  const alterations = changes.flatMap((c) => (c.kind === 'alter-configs' ? [c] : []));
  if (alterations.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: alterations.map((c) => ({
        type: ConfigResourceTypes.TOPIC,
        name: c.name,
        configEntries: Object.entries({
          ...(current.get(c.name)?.configs ?? {}),
          ...Object.fromEntries(c.changes.map((change) => [change.key, change.to])),
        }).map(([name, value]) => ({ name, value })),
      })),
    });
  }
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders`
 * gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers until the controller's
 * metadata reaches it, so the wait is done here with a metadata poll that tolerates it.
 */
export async function createTopicsAndWait(
  admin: Admin,
  specs: readonly TopicSpec[],
  timeoutMs = LEADER_WAIT_MS,
): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: specs.map((spec) => ({
      topic: spec.name,
      numPartitions: spec.partitions,
      replicationFactor: spec.replicationFactor,
      configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
    })),
  });
  const names = specs.map((spec) => spec.name);
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no metadata yet';
  while (Date.now() < deadline) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = topics.filter((t) => t.partitions.some((p) => p.leader < 0));
      if (topics.length === names.length && leaderless.length === 0) return;
      lastProblem = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new IntelrouteError(
    'KAFKA_TIMEOUT',
    `topics created but not ready within ${timeoutMs} ms: ${lastProblem}`,
  );
}
