/** Log levels accepted by pino, plus `silent`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The whole configuration, parsed once at start-up (see load-config.ts), validated, defaults
 * filled in and deep-frozen. Units are in the names.
 */
export interface IntelrouteConfig {
  readonly logLevel: LogLevel;
  readonly kafka: KafkaConfig;
  readonly localKafka: LocalKafkaConfig;
  readonly topics: TopicsConfig;
}

export interface KafkaConfig {
  /** Bootstrap brokers (`host:port`). Null means: start a local broker (see localKafka). */
  readonly brokers: readonly string[] | null;
  readonly clientId: string;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export interface LocalKafkaConfig {
  /** Apache Kafka version whose jars Maven fetches (org.apache.kafka:kafka_2.13). */
  readonly version: string;
  readonly nodes: number;
  readonly heapMb: number;
  readonly startTimeoutMs: number;
  /** Where fetched jars are cached; null means `<project>/.cache/local-kafka`. */
  readonly cacheDir: string | null;
}

export interface TopicsConfig {
  /**
   * Prepended to every topic name (e.g. "staging." gives "staging.intel.v1.audit"), so several
   * deployments or test runs can share one cluster. Empty in production.
   */
  readonly prefix: string;
  /** ISO 3166-1 alpha-2 codes that get an inbox topic; null means every Interpol member. */
  readonly memberCountries: readonly string[] | null;
  readonly partitions: number;
  /** Null: min(3, number of brokers). */
  readonly replicationFactor: number | null;
  /** Null: replicationFactor - 1, at least 1. */
  readonly minInsyncReplicas: number | null;
  /** Retention of the message topics (inboxes, secretariat, working group, broadcast). */
  readonly messageRetentionMs: number;
  readonly deadLetterRetentionMs: number;
  /** -1 keeps the audit trail forever. */
  readonly auditRetentionMs: number;
  /** How long accepted message ids are remembered in Kafka; at least the gateway's window. */
  readonly idempotencyRetentionMs: number;
  /** Largest record a topic accepts: room for a 1 MiB payload plus its envelope. */
  readonly maxMessageBytes: number;
}
