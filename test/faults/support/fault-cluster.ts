import type { Admin } from 'kafkajs';
import { loadConfig } from '../../../src/config';
import { LocalKafkaCluster, type LocalKafkaOptions } from '../../../src/kafka/local';
import { createLogger } from '../../../src/telemetry/logger';

/**
 * The Kafka version fault scenarios run against: INTELROUTE_KAFKA_VERSION (e.g. 4.1.1), else
 * the project's default (3.9.1).
 */
export function faultKafkaVersion(): string {
  const env: Record<string, string> = {};
  const version = process.env.INTELROUTE_KAFKA_VERSION;
  if (version !== undefined && version !== '') env.INTELROUTE_KAFKA_VERSION = version;
  return loadConfig({ env }).localKafka.version;
}

/**
 * A cluster of this scenario's own (faults are injected into it, never into the shared test
 * broker): `nodes` KRaft nodes on loopback at the scenario's Kafka version. Stop it in afterAll.
 */
export function startFaultCluster(
  nodes: number,
  options: Pick<LocalKafkaOptions, 'extraListeners'> = {},
): Promise<LocalKafkaCluster> {
  const local = loadConfig({ env: {} }).localKafka;
  return LocalKafkaCluster.start({
    ...local,
    nodes,
    version: faultKafkaVersion(),
    cacheDir: process.env.INTELROUTE_KAFKA_CACHE_DIR ?? null,
    env: process.env,
    logger: createLogger(process.env.INTELROUTE_TEST_LOG_LEVEL === 'debug' ? 'debug' : 'warn'),
    stopGraceMs: 10_000,
    ...options,
  });
}

/** A topic's configs that the fault scenarios rely on (min ISR, unclean election). */
export async function topicConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({
    resources: [{ type: 2, name: topic }],
    includeSynonyms: false,
  });
  const entries = described.resources[0]?.configEntries ?? [];
  return Object.fromEntries(entries.map((entry) => [entry.configName, entry.configValue]));
}
