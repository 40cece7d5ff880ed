/**
 * The broker of a bench run: a local single-node KRaft broker started for the run (on
 * 127.0.0.1), or the cluster KAFKA_BROKERS names. Also the topics of each measurement.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { loadConfig, type TopicsConfig } from '../../src/config';
import { createKafkaClient } from '../../src/kafka/kafka-client';
import { createTopicsAndWait } from '../../src/kafka/topic-admin';
import { applyTopicPlan } from '../../src/kafka/topic-provisioning';
import { ensureKafkaJars, findJava, LocalKafkaCluster } from '../../src/kafka/local';
import { silentLogger } from '../../src/telemetry/logger';
import { BENCH_MEMBERS } from './messages';

export interface BenchBroker {
  readonly brokers: readonly string[];
  /** `local`: started for this run; `external`: from KAFKA_BROKERS. */
  readonly kind: 'local' | 'external';
  /** Folder of the Apache Kafka jars (kafka-tools included) and the java to run them with. */
  readonly libsDir: string;
  readonly javaExecutable: string;
  readonly kafkaVersion: string;
  /** The broker's process id when started here (for its CPU time), else undefined. */
  readonly pid: number | undefined;
  /** A kafkajs client on the brokers (silent). */
  client(clientId: string): Kafka;
  stop(): Promise<void>;
}

/** Topic partitions of every bench topic (the shipped default). */
export const BENCH_PARTITIONS = 3;

/** Starts (or connects to) the broker and finds the jars. */
export async function openBroker(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<BenchBroker> {
  const kafkaVersion = env.INTELROUTE_KAFKA_VERSION ?? '3.9.1';
  const cacheDir = env.INTELROUTE_KAFKA_CACHE_DIR ?? null;
  const java = findJava(env);
  const libsDir = await ensureKafkaJars({ version: kafkaVersion, cacheDir, env, onProgress: log });
  const external = env.KAFKA_BROKERS?.trim();
  let cluster: LocalKafkaCluster | undefined;
  if (!external) {
    log(`starting a local Apache Kafka ${kafkaVersion} broker`);
    cluster = await LocalKafkaCluster.start({
      nodes: 1,
      version: kafkaVersion,
      heapMb: Number(env.INTELROUTE_KAFKA_HEAP_MB ?? 1024),
      startTimeoutMs: 120_000,
      cacheDir,
      env,
      stopGraceMs: 10_000,
    });
  }
  const brokers = external ? external.split(',') : (cluster as LocalKafkaCluster).brokers;
  return {
    brokers,
    kind: external ? 'external' : 'local',
    libsDir,
    javaExecutable: java.executable,
    kafkaVersion,
    pid: cluster?.nodes()[0]?.pid,
    client: (clientId) => createKafkaClient({ brokers, clientId, logger: silentLogger() }),
    stop: async () => {
      await cluster?.stop();
    },
  };
}

/** A fresh topic prefix for one run: `bench-<8 hex>.<name>.` */
export function runPrefix(runId: string, name: string): string {
  return `bench-${runId}.${name}.`;
}

export function newRunId(): string {
  return randomUUID().slice(0, 8);
}

/** The topics config of the bench deployment under `prefix`. */
export function benchTopicsConfig(prefix: string): TopicsConfig {
  const base = loadConfig({ env: {} }).topics;
  return {
    ...base,
    prefix,
    partitions: BENCH_PARTITIONS,
    memberCountries: [...BENCH_MEMBERS],
  };
}

/** Creates every intelroute topic under `prefix` (as `intelroute topics apply` would). */
export async function provisionTopics(broker: BenchBroker, prefix: string): Promise<void> {
  const admin = broker.client('intelroute-bench-admin').admin();
  await admin.connect();
  try {
    await applyTopicPlan({
      admin,
      topics: benchTopicsConfig(prefix),
      memberCountries: [...BENCH_MEMBERS],
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates one plain topic (the ceiling's), replicated like the intelroute topics, and waits
 * until every partition has a leader.
 * @throws IntelrouteError KAFKA_TIMEOUT when the leaders do not show in time
 */
export async function createTopic(broker: BenchBroker, topic: string): Promise<void> {
  const admin = broker.client('intelroute-bench-admin').admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    await createTopicsAndWait(admin, [
      {
        name: topic,
        partitions: BENCH_PARTITIONS,
        replicationFactor: Math.min(3, brokers.length),
        configs: {},
      },
    ]);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics of this run (on an external cluster: a local one is thrown away). */
export async function deleteRunTopics(broker: BenchBroker, runId: string): Promise<void> {
  if (broker.kind !== 'external') return;
  const admin = broker.client('intelroute-bench-admin').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`bench-${runId}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
