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
  readonly readers: ReadersConfig;
  readonly telemetry: TelemetryConfig;
  readonly links: LinksConfig;
  readonly requests: RequestsConfig;
  readonly systemClient: SystemClientConfig;
  readonly audit: AuditConfig;
  readonly console: ConsoleConfig;
}

/**
 * How audit chain heads are signed and which signers `audit verify` trusts (SECURITY.md, "audit
 * trail keys"). Unset, a process signs with the gateway's TLS key (gateway.tls, else the
 * development certificates) and verify trusts that key's certificate.
 */
export interface AuditConfig {
  /** PEM private key this process signs its chain heads with. */
  readonly signingKeyFile: string | null;
  /** A folder of PEM certificates or public keys: the writers `audit verify` trusts. */
  readonly trustedKeysDir: string | null;
}

export interface KafkaConfig {
  /** Bootstrap brokers (`host:port`). Null means: start a local broker (see localKafka). */
  readonly brokers: readonly string[] | null;
  readonly clientId: string;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** TLS to the brokers; all null means plaintext. */
  readonly tls: KafkaTlsConfig;
}

/**
 * TLS to the brokers: a CA file turns it on (the brokers' certificates are checked against it;
 * without one, against the system's CAs when a client certificate is given), a certificate and
 * key pair authenticates intelroute (e.g. a Strimzi KafkaUser with `authentication: tls`).
 */
export interface KafkaTlsConfig {
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
}

export interface LocalKafkaConfig {
  /** Apache Kafka version whose jars Maven fetches (org.apache.kafka:kafka_2.13). */
  readonly version: string;
  readonly nodes: number;
  readonly heapMb: number;
  readonly startTimeoutMs: number;
  /** Where fetched jars are cached; null means `<project>/.cache/local-kafka`. */
  readonly cacheDir: string | null;
  /**
   * Where `start` and `kafka start` keep the local cluster's data across restarts (null: the
   * project's `.intelroute/kafka`; `--ephemeral` runs a throwaway one in a temp folder).
   */
  readonly dataDir: string | null;
}

export interface TopicsConfig {
  /**
   * Prepended to every topic name (e.g. "staging." gives "staging.intel.v1.audit"), so several
   * deployments or test runs can share one cluster. Empty in production.
   */
  readonly prefix: string;
  /** ISO 3166-1 alpha-2 codes that get an inbox topic (default: every Interpol member). */
  readonly memberCountries: readonly string[];
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
  /**
   * Memory of messages read and not yet answered (3 x payload + 16 KiB each), all senders together:
   * past it, a sender above an eighth of its own limit is held back (streams paused, unary calls
   * refused RATE_LIMITED) until messages are answered.
   */
  readonly maxPendingBytes: number;
  /** The same bytes for one identity: past it, that identity is held back. */
  readonly maxPendingBytesPerIdentity: number;
  /** Deadline of a publish when the caller sets none (or a longer one). */
  readonly publishTimeoutMs: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly maxConnectionIdleMs: number;
  /** Open connections of the gateway at most (TCP, before TLS); the next are closed at once. */
  readonly maxConnections: number;
  /** Open connections from one IP address at most (before TLS, so a scanner is held too). */
  readonly maxConnectionsPerAddress: number;
  /** Open connections of one client certificate (identity, or fingerprint) at most. */
  readonly maxConnectionsPerIdentity: number;
  /** A TLS handshake not finished in this time is dropped (Node's default: 120 s). */
  readonly tlsHandshakeTimeoutMs: number;
  /**
   * A connection whose peer has not acknowledged the gateway's HTTP/2 SETTINGS in this time is
   * closed: every HTTP/2 client does so at once; a peer gone mid-handshake never does.
   */
  readonly http2SettingsTimeoutMs: number;
  readonly maxFutureSkewMs: number;
  readonly idempotencyWindowMs: number;
  readonly idempotencyMaxEntries: number;
  /** Routing rules (default: the shipped config/routing.yaml). Reloaded on change or SIGHUP. */
  readonly rulesFile: string;
  /** Who may publish what (default: the shipped config/policy.yaml). */
  readonly policyFile: string;
  /** Delegated-access grants (null: no agency is authorised). Reloaded on change. */
  readonly grantsFile: string | null;
  /** Payload schemas (default: the shipped schemas/ folder). */
  readonly schemasDir: string;
  /** Schema versions no longer accepted, e.g. { "seizure-report": [1] }. */
  readonly retiredSchemaVersions: Readonly<Record<string, readonly number[]>>;
  /** Reply deadline of an information-request per priority. */
  readonly replyDeadlinesMs: Readonly<Record<'routine' | 'high' | 'urgent' | 'immediate', number>>;
  readonly shutdownGraceMs: number;
  /** Most jobs in one Kafka transaction. */
  readonly maxBatchMessages: number;
}

// --- Readers and subscriptions (src/services/readers, `intelroute consume`) ---

/** The consumer runtime behind every reader and gRPC subscription (src/services/readers). */
export interface ReadersConfig {
  /**
   * Names this reader process's Kafka transactional id and audit chain. Null:
   * `<reader>-<hostname>` (e.g. `reader-country-FR-host1`), stable across restarts so that a
   * restarted reader fences its killed predecessor. Two members of one group on one host need
   * distinct ids.
   */
  readonly instanceId: string | null;
  /** Handler attempts per message before it is parked in the dead-letter topic (1 = no retry). */
  readonly maxAttempts: number;
  /** Backoff after the first failed attempt; doubles per attempt up to `retryMaxBackoffMs`. */
  readonly retryInitialBackoffMs: number;
  readonly retryMaxBackoffMs: number;
  /** How long a processed message id is remembered. Null: `topics.idempotencyRetentionMs`. */
  readonly dedupeWindowMs: number | null;
  /** Most message ids remembered per reader (oldest go first). */
  readonly dedupeMaxEntries: number;
  /** Partitions handled at once (each partition strictly in order). */
  readonly partitionsConcurrently: number;
  /** kafkajs consumer group session timeout; also bounds a handler call between heartbeats. */
  readonly sessionTimeoutMs: number;
  /** Deadline of one commit transaction (offsets + processed marks + audit); retried after. */
  readonly commitTimeoutMs: number;
  /**
   * A partition commits the messages it handled in one transaction once this many wait, or the
   * oldest waited `commitMaxDelayMs` (and always at the end of a fetched batch, before a retry
   * wait, a rebalance or a stop). A crash replays at most that many to the handler.
   */
  readonly commitMaxMessages: number;
  readonly commitMaxDelayMs: number;
  /** Most bytes one fetch buffers per partition: the memory bound of a slow sink. */
  readonly maxBytesPerPartition: number;
  /** One webhook POST; a timeout counts as a failed (retried) attempt. */
  readonly webhookTimeoutMs: number;
  /** How much of an output file's end is scanned at start for message ids already written. */
  readonly fileSinkTailScanBytes: number;
  /** gRPC Subscribe: unacked deliveries when the client asks for 0, and the most it may ask. */
  readonly subscriptionDefaultMaxInFlight: number;
  readonly subscriptionMaxInFlightLimit: number;
  /** Bound on a reader's graceful stop (finish the message in hand, commit, leave the group). */
  readonly shutdownGraceMs: number;
}
// --- end readers and subscriptions ---

// --- Telemetry (src/telemetry: traces, metrics, health endpoints) ---

/**
 * The process's own telemetry settings. Where spans go, sampling and resource attributes are not
 * here: the standard OTEL_* variables set them (docs/telemetry.md).
 */
export interface TelemetryConfig {
  /** `service.name` (OTEL_SERVICE_NAME wins). Null: the process's role, e.g. `intelroute-gateway`. */
  readonly serviceName: string | null;
  /** Address of the HTTP server for /metrics, /healthz and /readyz (0.0.0.0 in containers). */
  readonly metricsHost: string;
  /** Its port (0 picks a free one, for tests). Null: no HTTP server at all. */
  readonly metricsPort: number | null;
  /** Bound on flushing spans at shutdown, so an unreachable collector cannot hold the exit. */
  readonly shutdownTimeoutMs: number;
}
// --- end telemetry ---

// --- Link detector, request ledger and their gateway client (src/services/links, src/services/requests) ---

/** The link detector (`intelroute links run`). */
export interface LinksConfig {
  /**
   * File holding the network secret that keys selector hashes (its bytes, one trailing newline
   * ignored; at least 32 bytes). Null: the detector refuses to start. Never logged.
   */
  readonly secretFile: string | null;
  /**
   * Most observations the index keeps per selector. Beyond it, further reports of a country
   * already linked are not indexed (a new country always is): bounds one changelog record.
   */
  readonly maxObservationsPerSelector: number;
}

/** The request-deadline ledger (`intelroute requests run`). */
export interface RequestsConfig {
  /** How often the ledger looks for requests whose reply deadline passed. */
  readonly checkIntervalMs: number;
  /**
   * How long after a deadline a missing answer is reported: room for an answer accepted just
   * before the deadline to reach the ledger.
   */
  readonly overdueGraceMs: number;
}

/**
 * How intelroute's own services (link detector, request ledger) reach the gateway: over mTLS with
 * a client certificate `urn:intelroute:system:<component>`, like any sender.
 */
export interface SystemClientConfig {
  /** `host:port` of the gateway. Null: `gateway.host:gateway.port`. */
  readonly gatewayAddress: string | null;
  /** Name the gateway's certificate is checked against. Null: the address's host. */
  readonly serverName: string | null;
  /**
   * A folder written by `intelroute certs`: `ca.crt` and `clients/system.<component>.crt|.key`.
   * Null: `gateway.tls.certsDir`.
   */
  readonly certsDir: string | null;
  /** Deadline of one publish attempt; retriable failures are retried until the service stops. */
  readonly publishTimeoutMs: number;
}
// --- end link detector, request ledger ---

// --- Ops console (src/console) ---

/**
 * The ops web console: run by `intelroute start` (when enabled) and by `intelroute console`.
 * Under mTLS it presents the gateway's server certificate and admits only `ops` identities
 * certified by the gateway's CA (gateway.tls).
 */
export interface ConsoleConfig {
  /** `intelroute start` serves the console (the `console` command always does). */
  readonly enabled: boolean;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /**
   * `loopback`: plain HTTP without login, refused on any other address; `mtls`: HTTPS, an ops
   * client certificate required; `auto`: loopback on a loopback address, mtls otherwise.
   */
  readonly access: 'auto' | 'loopback' | 'mtls';
  /** A trace viewer's URL with `{traceId}` in it (Jaeger, Tempo), linked from a message's story. */
  readonly traceUrl: string | null;
  /** Messages whose story the console holds in memory (the oldest are let go). */
  readonly maxMessages: number;
  /** Refusals and dead letters held (the newest kept). */
  readonly maxRefusals: number;
}
// --- end ops console ---
