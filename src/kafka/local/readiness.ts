import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaAdmin, KafkaClient } from '../kafka-connection';
import { IntelrouteError } from '../../core/errors';
import { createTopicsAndWait } from '../topic-admin';

const POLL_INTERVAL_MS = 250;
export const READINESS_TOPIC = '__intelroute_readiness';

export interface WaitForBrokersOptions {
  /** A fresh, unconnected admin client on every call (the reachable nodes change while starting). */
  readonly admin: () => KafkaAdmin;
  readonly nodeIds: readonly number[];
  readonly timeoutMs: number;
  /** Node ids whose JVM has exited: waiting on them is pointless. */
  readonly crashed: () => readonly number[];
}

/** Polls metadata until every node in `nodeIds` is a registered broker. */
export async function waitForBrokers(options: WaitForBrokersOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const crashed = options.crashed().filter((id) => options.nodeIds.includes(id));
    if (crashed.length > 0) {
      throw new IntelrouteError('KAFKA_START_FAILED', `node(s) ${crashed.join(', ')} exited`);
    }
    const admin = options.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      const registered = new Set(cluster.brokers.map((broker) => broker.nodeId));
      const missing = options.nodeIds.filter((id) => !registered.has(id));
      if (missing.length === 0) return;
      lastProblem = `node(s) ${missing.join(', ')} not registered yet`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new IntelrouteError(
    'KAFKA_START_FAILED',
    `no ready broker within ${options.timeoutMs} ms (${lastProblem})`,
  );
}

/**
 * Proves the cluster takes writes: creates a scratch topic replicated like real ones, writes
 * one record with acks from all in-sync replicas, and deletes the topic. Brokers learn of the new
 * topic a moment apart, so the write is retried until `timeoutMs` (a probe: duplicates are moot).
 */
export async function verifyWritable(
  kafka: KafkaClient,
  replicationFactor: number,
  timeoutMs = 30_000,
): Promise<void> {
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  try {
    await createTopicsAndWait(admin, [
      { name: READINESS_TOPIC, partitions: 1, replicationFactor, configs: {} },
    ]);
    await producer.connect();
    await retryUntil(timeoutMs, () =>
      producer.send({ topic: READINESS_TOPIC, acks: -1, messages: [{ value: 'ready' }] }),
    );
    await admin.deleteTopics({ topics: [READINESS_TOPIC] });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IntelrouteError('KAFKA_START_FAILED', `probe write failed: ${reason}`, { cause });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Proves the cluster's coordinators answer: a consumer group's (the offsets topic is created and
 * loaded on first use) and a transactional producer's (the transaction state topic likewise). On a
 * fresh broker, under load, both take longer than a client's retries: the first gateway or reader
 * started right after `start` then failed with "Failed to find group coordinator".
 */
export async function verifyCoordinators(kafka: KafkaClient, timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  const producer = kafka.producer({
    transactionalId: READINESS_TOPIC,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  try {
    await admin.connect();
    await retryUntil(timeoutMs, () => admin.describeGroups([READINESS_TOPIC]));
    await retryUntil(timeoutMs, async () => {
      // connect() alone asks the transaction coordinator nothing: kafkajs sends InitProducerId
      // (FindCoordinator, then the transaction state topic's load) only when a transaction begins.
      await producer.connect();
      const transaction = await producer.transaction();
      await transaction.abort();
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IntelrouteError('KAFKA_START_FAILED', `coordinators not ready: ${reason}`, { cause });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function retryUntil(timeoutMs: number, attempt: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(POLL_INTERVAL_MS);
    }
  }
}
