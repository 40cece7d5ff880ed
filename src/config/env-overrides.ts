/**
 * Environment variables that override the config file. Each names one config path; a value that
 * does not parse is reported with the variable's name, beside any schema violations.
 */
export interface EnvOverride {
  readonly variable: string;
  readonly path: readonly string[];
  readonly kind: 'string' | 'integer' | 'list' | 'boolean';
}

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'KAFKA_BROKERS', path: ['kafka', 'brokers'], kind: 'list' },
  { variable: 'INTELROUTE_LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { variable: 'INTELROUTE_KAFKA_CLIENT_ID', path: ['kafka', 'clientId'], kind: 'string' },
  { variable: 'KAFKA_SSL_CA_FILE', path: ['kafka', 'tls', 'caFile'], kind: 'string' },
  { variable: 'KAFKA_SSL_CERT_FILE', path: ['kafka', 'tls', 'certFile'], kind: 'string' },
  { variable: 'KAFKA_SSL_KEY_FILE', path: ['kafka', 'tls', 'keyFile'], kind: 'string' },
  { variable: 'INTELROUTE_KAFKA_VERSION', path: ['localKafka', 'version'], kind: 'string' },
  { variable: 'INTELROUTE_KAFKA_NODES', path: ['localKafka', 'nodes'], kind: 'integer' },
  { variable: 'INTELROUTE_KAFKA_HEAP_MB', path: ['localKafka', 'heapMb'], kind: 'integer' },
  { variable: 'INTELROUTE_KAFKA_CACHE_DIR', path: ['localKafka', 'cacheDir'], kind: 'string' },
  { variable: 'INTELROUTE_KAFKA_DATA_DIR', path: ['localKafka', 'dataDir'], kind: 'string' },
  {
    variable: 'INTELROUTE_AUDIT_SIGNING_KEY_FILE',
    path: ['audit', 'signingKeyFile'],
    kind: 'string',
  },
  {
    variable: 'INTELROUTE_AUDIT_TRUSTED_KEYS_DIR',
    path: ['audit', 'trustedKeysDir'],
    kind: 'string',
  },
  { variable: 'INTELROUTE_MEMBER_COUNTRIES', path: ['topics', 'memberCountries'], kind: 'list' },
  { variable: 'INTELROUTE_TOPIC_PREFIX', path: ['topics', 'prefix'], kind: 'string' },
  { variable: 'INTELROUTE_TOPIC_PARTITIONS', path: ['topics', 'partitions'], kind: 'integer' },
  {
    variable: 'INTELROUTE_REPLICATION_FACTOR',
    path: ['topics', 'replicationFactor'],
    kind: 'integer',
  },
  {
    variable: 'INTELROUTE_MIN_INSYNC_REPLICAS',
    path: ['topics', 'minInsyncReplicas'],
    kind: 'integer',
  },
  { variable: 'INTELROUTE_GATEWAY_HOST', path: ['gateway', 'host'], kind: 'string' },
  { variable: 'INTELROUTE_GATEWAY_PORT', path: ['gateway', 'port'], kind: 'integer' },
  { variable: 'INTELROUTE_GATEWAY_INSTANCE_ID', path: ['gateway', 'instanceId'], kind: 'string' },
  { variable: 'INTELROUTE_CERTS_DIR', path: ['gateway', 'tls', 'certsDir'], kind: 'string' },
  { variable: 'INTELROUTE_GRANTS_FILE', path: ['gateway', 'grantsFile'], kind: 'string' },
  { variable: 'INTELROUTE_RULES_FILE', path: ['gateway', 'rulesFile'], kind: 'string' },
  { variable: 'INTELROUTE_INSECURE_DEV', path: ['gateway', 'insecureDev'], kind: 'boolean' },
  // --- readers and subscriptions ---
  { variable: 'INTELROUTE_READER_INSTANCE_ID', path: ['readers', 'instanceId'], kind: 'string' },
  { variable: 'INTELROUTE_READER_MAX_ATTEMPTS', path: ['readers', 'maxAttempts'], kind: 'integer' },
  {
    variable: 'INTELROUTE_READER_RETRY_INITIAL_BACKOFF_MS',
    path: ['readers', 'retryInitialBackoffMs'],
    kind: 'integer',
  },
  // --- end readers and subscriptions ---
  // --- ops console ---
  { variable: 'INTELROUTE_CONSOLE_ENABLED', path: ['console', 'enabled'], kind: 'boolean' },
  { variable: 'INTELROUTE_CONSOLE_HOST', path: ['console', 'host'], kind: 'string' },
  { variable: 'INTELROUTE_CONSOLE_PORT', path: ['console', 'port'], kind: 'integer' },
  { variable: 'INTELROUTE_CONSOLE_ACCESS', path: ['console', 'access'], kind: 'string' },
  { variable: 'INTELROUTE_CONSOLE_TRACE_URL', path: ['console', 'traceUrl'], kind: 'string' },
  // --- end ops console ---
  // --- telemetry ---
  { variable: 'INTELROUTE_METRICS_HOST', path: ['telemetry', 'metricsHost'], kind: 'string' },
  { variable: 'INTELROUTE_METRICS_PORT', path: ['telemetry', 'metricsPort'], kind: 'integer' },
  {
    variable: 'INTELROUTE_TELEMETRY_SERVICE_NAME',
    path: ['telemetry', 'serviceName'],
    kind: 'string',
  },
  // --- end telemetry ---
  // --- link detector, request ledger ---
  { variable: 'INTELROUTE_LINK_SECRET_FILE', path: ['links', 'secretFile'], kind: 'string' },
  {
    variable: 'INTELROUTE_SYSTEM_GATEWAY_ADDRESS',
    path: ['systemClient', 'gatewayAddress'],
    kind: 'string',
  },
  { variable: 'INTELROUTE_SYSTEM_CERTS_DIR', path: ['systemClient', 'certsDir'], kind: 'string' },
  // --- end link detector, request ledger ---
];

/**
 * The variable that overrides config key `key` (dotted: `gateway.port`), for messages that tell
 * a user how to change a setting.
 * @throws Error when no variable sets `key` (a programming error: the caller names a key here)
 */
export function variableOf(key: string): string {
  const found = ENV_OVERRIDES.find((override) => override.path.join('.') === key);
  if (found === undefined) throw new Error(`no environment variable sets ${key}`);
  return found.variable;
}

export type ParsedEnvValue = { ok: true; value: unknown } | { ok: false; problem: string };

/** Parses one variable's text; empty text counts as unset (the caller skips it). */
export function parseEnvValue(override: EnvOverride, text: string): ParsedEnvValue {
  switch (override.kind) {
    case 'string':
      return { ok: true, value: text };
    case 'list':
      return {
        ok: true,
        value: text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      };
    case 'boolean':
      return /^(true|1|yes)$/i.test(text.trim())
        ? { ok: true, value: true }
        : /^(false|0|no)$/i.test(text.trim())
          ? { ok: true, value: false }
          : { ok: false, problem: `must be true or false, got "${text}"` };
    case 'integer':
      return /^-?[0-9]+$/.test(text.trim())
        ? { ok: true, value: Number.parseInt(text, 10) }
        : { ok: false, problem: `must be an integer, got "${text}"` };
  }
}
