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
  readonly gateway: GatewayConfig;
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

/** Where the gateway finds its TLS material. */
export interface GatewayTlsConfig {
  /** A folder written by `intelroute certs init`: ca.crt, server.crt, server.key, crl.pem. */
  readonly certsDir: string | null;
  /** Explicit files (each overrides the folder's). */
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
  readonly crlFile: string | null;
}

export interface GatewayConfig {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Names this instance's Kafka transactional id and audit chain; null: gateway-<host>-<port>. */
  readonly instanceId: string | null;
  readonly tls: GatewayTlsConfig;
  /** Plaintext on loopback only, for development; refused on any other address. */
  readonly insecureDev: boolean;
  /** Where `intelroute start` creates development certificates when no TLS is configured (null: .intelroute/dev-certs in the project). */
  readonly devCertsDir: string | null;
  readonly maxReceiveMessageBytes: number;
  readonly maxPayloadBytes: number;
  readonly maxStreamsPerIdentity: number;
  readonly maxInFlightPerStream: number;
  readonly maxConcurrentStreamsPerConnection: number;
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  /** Deadline of a publish when the caller sets none (or a longer one). */
  readonly publishTimeoutMs: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly maxConnectionIdleMs: number;
  readonly maxFutureSkewMs: number;
  readonly idempotencyWindowMs: number;
  readonly idempotencyMaxEntries: number;
  /** Routing rules (null: the shipped config/routing.yaml). Reloaded on change or SIGHUP. */
  readonly rulesFile: string | null;
  /** Who may publish what (null: the shipped config/policy.yaml). */
  readonly policyFile: string | null;
  /** Delegated-access grants (null: no agency is authorised). Reloaded on change. */
  readonly grantsFile: string | null;
  /** Payload schemas (null: the shipped schemas/ folder). */
  readonly schemasDir: string | null;
  /** Schema versions no longer accepted, e.g. { "seizure-report": [1] }. */
  readonly retiredSchemaVersions: Readonly<Record<string, readonly number[]>>;
  /** Reply deadline of an information-request per priority. */
  readonly replyDeadlinesMs: Readonly<Record<'routine' | 'high' | 'urgent' | 'immediate', number>>;
  readonly shutdownGraceMs: number;
  /** Most jobs in one Kafka transaction. */
  readonly maxBatchMessages: number;
}
