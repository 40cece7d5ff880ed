import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaAdmin } from './kafka-connection';
import type { TopicsConfig } from '../config';
import { applyTopicChanges, describeExistingTopics } from './topic-admin';
import { IntelrouteError } from '../core/errors';
import { describeChange, diffTopics, type ExistingTopic, type TopicDiff } from './topic-diff';
import { planTopics } from './topic-plan';

const SETTLE_TIMEOUT_MS = 15_000;
const SETTLE_POLL_MS = 100;

export interface ProvisioningInput {
  readonly admin: KafkaAdmin;
  readonly topics: TopicsConfig;
  readonly memberCountries: readonly string[];
}

export interface ProvisioningResult extends TopicDiff {
  /** True when at least one change was carried out. */
  readonly applied: boolean;
}

/** The diff between the configured topic plan and the cluster (nothing is changed). */
export async function planAgainstCluster(input: ProvisioningInput): Promise<TopicDiff> {
  return (await compareWithCluster(input)).diff;
}

/**
 * Makes the cluster match the plan, idempotently: a second run finds nothing to change.
 * Conflicts (which need an operator) are returned, not applied.
 */
export async function applyTopicPlan(input: ProvisioningInput): Promise<ProvisioningResult> {
  const { diff, existing } = await compareWithCluster(input);
  const applicable = diff.changes.filter((change) => change.kind !== 'conflict');
  if (applicable.length > 0) {
    await applyTopicChanges(input.admin, applicable, existing);
    await waitUntilApplied(input);
  }
  return { ...diff, applied: applicable.length > 0 };
}

/**
 * Brokers learn of new topics and config changes from the controller's metadata log a moment
 * after the request returns; waiting here means a caller (or a second `apply`) sees the result.
 */
async function waitUntilApplied(input: ProvisioningInput): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const pending = await pendingChanges(input);
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new IntelrouteError(
        'KAFKA_TIMEOUT',
        `topic changes not visible after ${SETTLE_TIMEOUT_MS} ms: ${pending.join('; ')}`,
      );
    }
    await sleep(SETTLE_POLL_MS);
  }
}

/**
 * The changes not yet visible. A broker that has not caught up with the controller may answer
 * a topic it just listed with UNKNOWN_TOPIC_OR_PARTITION (a retriable error): that is "not yet".
 */
async function pendingChanges(input: ProvisioningInput): Promise<string[]> {
  try {
    const { diff } = await compareWithCluster(input);
    return diff.changes.filter((change) => change.kind !== 'conflict').map(describeChange);
  } catch (error) {
    if (!isRetriableKafkaError(error)) throw error;
    return [`metadata not settled (${error.message})`];
  }
}

/** Retriable itself, or kafkajs's "retries exhausted" wrapper around a retriable cause. */
function isRetriableKafkaError(error: unknown): error is Error {
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth += 1, cause = cause.cause) {
    if ((cause as { retriable?: unknown }).retriable === true) return true;
  }
  return false;
}

async function compareWithCluster(
  input: ProvisioningInput,
): Promise<{ diff: TopicDiff; existing: Map<string, ExistingTopic> }> {
  const { brokers } = await input.admin.describeCluster();
  const wanted = planTopics({
    topics: input.topics,
    memberCountries: input.memberCountries,
    brokerCount: brokers.length,
  });
  const existing = await describeExistingTopics(
    input.admin,
    wanted.map((spec) => spec.name),
  );
  return { diff: diffTopics(wanted, existing), existing };
}
