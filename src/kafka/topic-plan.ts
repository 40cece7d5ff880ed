import type { TopicsConfig } from '../config';
import { IntelrouteError } from '../core/errors';
import { TOPICS, countryTopic } from '../contract/topic-names';

/** A topic as intelroute wants it to be. Config values are Kafka's own strings. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  /**
   * True for keyed logs whose readers rely on a key always living in the same partition (audit
   * chains, compacted directories): their partitions are never added to once created.
   */
  readonly fixedPartitions?: boolean;
}

export interface TopicPlanInput {
  readonly topics: TopicsConfig;
  /** Member countries that get an inbox (the configured list, or the shipped one). */
  readonly memberCountries: readonly string[];
  /** Brokers in the cluster: the replication factor cannot exceed it. */
  readonly brokerCount: number;
}

/**
 * Derives every topic intelroute needs from configuration: one inbox per member country, the
 * Secretariat, the working group, broadcasts, dead letters, the audit trail and the compacted
 * contact-point directory. RF defaults to min(3, brokers); min ISR to RF-1 (at least 1), so that
 * with RF 3 one broker may be lost without refusing acks=all writes.
 * @throws IntelrouteError TOPIC_PLAN_CONFLICT when the settings cannot work on this cluster.
 */
export function planTopics(input: TopicPlanInput): TopicSpec[] {
  const { topics, brokerCount } = input;
  const replicationFactor = topics.replicationFactor ?? Math.min(3, brokerCount);
  const minInsyncReplicas = topics.minInsyncReplicas ?? Math.max(1, replicationFactor - 1);
  checkReplication(replicationFactor, minInsyncReplicas, brokerCount);

  const common = {
    'min.insync.replicas': String(minInsyncReplicas),
    'unclean.leader.election.enable': 'false',
    'max.message.bytes': String(topics.maxMessageBytes),
  };
  const messages = {
    ...common,
    'cleanup.policy': 'delete',
    'retention.ms': String(topics.messageRetentionMs),
  };
  const spec = (name: string, configs: Record<string, string>, fixed = false): TopicSpec => ({
    name: `${topics.prefix}${name}`,
    partitions: topics.partitions,
    replicationFactor,
    configs,
    ...(fixed ? { fixedPartitions: true } : {}),
  });

  return [
    ...[...new Set(input.memberCountries)].sort().map((cc) => spec(countryTopic(cc), messages)),
    spec(TOPICS.secretariat, messages),
    spec(TOPICS.workingGroup, messages),
    spec(TOPICS.broadcast, messages),
    spec(TOPICS.deadLetter, {
      ...common,
      'cleanup.policy': 'delete',
      'retention.ms': String(topics.deadLetterRetentionMs),
    }),
    spec(
      TOPICS.audit,
      { ...common, 'cleanup.policy': 'delete', 'retention.ms': String(topics.auditRetentionMs) },
      true,
    ),
    // Keyed by chain: each audit chain's latest head, to detect a cut-off tail.
    spec(TOPICS.auditHeads, { ...common, 'cleanup.policy': 'compact' }, true),
    // Keyed by origin|message id: the gateway's memory of accepted ids for its window.
    spec(TOPICS.idempotency, {
      ...common,
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(topics.idempotencyRetentionMs),
    }),
    // Keyed by country: compaction keeps each country's latest contact point forever.
    spec(TOPICS.contactPointDirectory, { ...common, 'cleanup.policy': 'compact' }, true),
    // Keyed by reader group|message id: readers' de-duplication memory, kept as long as the
    // gateway remembers message ids (a duplicate record can only come from a retry within it).
    spec(TOPICS.readersProcessed, {
      ...common,
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(topics.idempotencyRetentionMs),
    }),
    // Keyed by selector key: observations re-keyed for the link detector's index partitions.
    spec(TOPICS.linkSelectors, messages, true),
    // Keyed by selector key: the link index's changelog, aligned with the selectors topic.
    spec(TOPICS.linkState, { ...common, 'cleanup.policy': 'compact' }, true),
    // Keyed by request id: request-ledger events (opened, answered, notified).
    spec(TOPICS.requestEvents, messages, true),
    // Keyed by request id: the request ledger's changelog, aligned with the events topic.
    spec(TOPICS.requestLedger, { ...common, 'cleanup.policy': 'compact' }, true),
  ];
}

function checkReplication(replicationFactor: number, minIsr: number, brokers: number): void {
  const problems: string[] = [];
  if (replicationFactor > brokers) {
    problems.push(
      `replication factor ${replicationFactor} needs at least ${replicationFactor} brokers; the cluster has ${brokers}`,
    );
  }
  if (minIsr > replicationFactor) {
    problems.push(
      `min.insync.replicas ${minIsr} exceeds the replication factor ${replicationFactor}: no write could succeed`,
    );
  }
  if (problems.length > 0) {
    throw new IntelrouteError('TOPIC_PLAN_CONFLICT', problems.join('; '), {
      details: { problems },
    });
  }
}
