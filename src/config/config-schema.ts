/**
 * JSON Schema of the configuration. Defaults live here, so a file may give only what differs.
 * ajv fills them in (`useDefaults`) while validating.
 */
export const CONFIG_SCHEMA = {
  $id: 'urn:intelroute:config',
  type: 'object',
  additionalProperties: false,
  properties: {
    logLevel: {
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    kafka: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        brokers: {
          type: ['array', 'null'],
          minItems: 1,
          items: { type: 'string', pattern: '^[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}$' },
          default: null,
        },
        clientId: { type: 'string', minLength: 1, default: 'intelroute' },
        connectionTimeoutMs: { type: 'integer', minimum: 100, default: 3000 },
        requestTimeoutMs: { type: 'integer', minimum: 100, default: 30000 },
        tls: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            caFile: { type: ['string', 'null'], minLength: 1, default: null },
            certFile: { type: ['string', 'null'], minLength: 1, default: null },
            keyFile: { type: ['string', 'null'], minLength: 1, default: null },
          },
        },
      },
    },
    localKafka: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        version: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$', default: '3.9.1' },
        nodes: { type: 'integer', minimum: 1, maximum: 9, default: 1 },
        heapMb: { type: 'integer', minimum: 128, maximum: 65536, default: 512 },
        startTimeoutMs: { type: 'integer', minimum: 1000, default: 120000 },
        cacheDir: { type: ['string', 'null'], minLength: 1, default: null },
        dataDir: { type: ['string', 'null'], minLength: 1, default: null },
      },
    },
    gateway: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, maxLength: 255, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 50051 },
        instanceId: {
          type: ['string', 'null'],
          pattern: '^[A-Za-z0-9._-]{1,100}$',
          default: null,
        },
        tls: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            certsDir: { type: ['string', 'null'], minLength: 1, default: null },
            caFile: { type: ['string', 'null'], minLength: 1, default: null },
            certFile: { type: ['string', 'null'], minLength: 1, default: null },
            keyFile: { type: ['string', 'null'], minLength: 1, default: null },
            crlFile: { type: ['string', 'null'], minLength: 1, default: null },
          },
        },
        insecureDev: { type: 'boolean', default: false },
        devCertsDir: { type: ['string', 'null'], minLength: 1, default: null },
        maxReceiveMessageBytes: { type: 'integer', minimum: 1024, default: 2097152 },
        maxPayloadBytes: { type: 'integer', minimum: 1024, maximum: 16777216, default: 1048576 },
        maxStreamsPerIdentity: { type: 'integer', minimum: 1, default: 32 },
        maxInFlightPerStream: { type: 'integer', minimum: 1, maximum: 10000, default: 256 },
        maxConcurrentStreamsPerConnection: { type: 'integer', minimum: 1, default: 100 },
        rateLimitPerSecond: { type: 'number', exclusiveMinimum: 0, default: 2000 },
        rateLimitBurst: { type: 'integer', minimum: 1, default: 4000 },
        maxPendingBytes: { type: 'integer', minimum: 1048576, default: 268435456 },
        maxPendingBytesPerIdentity: { type: 'integer', minimum: 1048576, default: 67108864 },
        publishTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
        keepaliveTimeMs: { type: 'integer', minimum: 1000, default: 30000 },
        keepaliveTimeoutMs: { type: 'integer', minimum: 1000, default: 10000 },
        maxConnectionIdleMs: { type: 'integer', minimum: 1000, default: 600000 },
        maxConnections: { type: 'integer', minimum: 1, default: 10000 },
        maxConnectionsPerAddress: { type: 'integer', minimum: 1, default: 256 },
        maxConnectionsPerIdentity: { type: 'integer', minimum: 1, default: 64 },
        tlsHandshakeTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
        http2SettingsTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
        maxFutureSkewMs: { type: 'integer', minimum: 0, default: 300000 },
        idempotencyWindowMs: { type: 'integer', minimum: 1000, default: 86400000 },
        idempotencyMaxEntries: { type: 'integer', minimum: 1, default: 250000 },
        rulesFile: { type: ['string', 'null'], minLength: 1, default: null },
        policyFile: { type: ['string', 'null'], minLength: 1, default: null },
        grantsFile: { type: ['string', 'null'], minLength: 1, default: null },
        schemasDir: { type: ['string', 'null'], minLength: 1, default: null },
        retiredSchemaVersions: {
          type: 'object',
          default: {},
          propertyNames: { pattern: '^[a-z][a-z0-9-]{0,62}$' },
          additionalProperties: {
            type: 'array',
            maxItems: 100,
            items: { type: 'integer', minimum: 1 },
          },
        },
        replyDeadlinesMs: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            routine: { type: 'integer', minimum: 1, default: 864000000 },
            high: { type: 'integer', minimum: 1, default: 259200000 },
            urgent: { type: 'integer', minimum: 1, default: 86400000 },
            immediate: { type: 'integer', minimum: 1, default: 14400000 },
          },
        },
        shutdownGraceMs: { type: 'integer', minimum: 1000, default: 30000 },
        maxBatchMessages: { type: 'integer', minimum: 1, maximum: 10000, default: 512 },
      },
    },
    topics: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        prefix: { type: 'string', pattern: '^([A-Za-z0-9_-]+\\.)*$', maxLength: 100, default: '' },
        memberCountries: {
          type: ['array', 'null'],
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[A-Z]{2}$' },
          default: null,
        },
        partitions: { type: 'integer', minimum: 1, maximum: 1000, default: 3 },
        replicationFactor: { type: ['integer', 'null'], minimum: 1, maximum: 32, default: null },
        minInsyncReplicas: { type: ['integer', 'null'], minimum: 1, maximum: 32, default: null },
        messageRetentionMs: { type: 'integer', minimum: 60000, default: 2592000000 },
        deadLetterRetentionMs: { type: 'integer', minimum: 60000, default: 7776000000 },
        auditRetentionMs: { type: 'integer', minimum: -1, default: -1 },
        idempotencyRetentionMs: { type: 'integer', minimum: 60000, default: 604800000 },
        maxMessageBytes: { type: 'integer', minimum: 1024, maximum: 104857600, default: 2097152 },
      },
    },
    // --- readers and subscriptions (ReadersConfig) ---
    readers: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        instanceId: {
          type: ['string', 'null'],
          pattern: '^[A-Za-z0-9._-]{1,100}$',
          default: null,
        },
        maxAttempts: { type: 'integer', minimum: 1, maximum: 1000, default: 8 },
        retryInitialBackoffMs: { type: 'integer', minimum: 1, default: 200 },
        retryMaxBackoffMs: { type: 'integer', minimum: 1, default: 30000 },
        dedupeWindowMs: { type: ['integer', 'null'], minimum: 1000, default: null },
        dedupeMaxEntries: { type: 'integer', minimum: 1, default: 500000 },
        partitionsConcurrently: { type: 'integer', minimum: 1, maximum: 64, default: 4 },
        sessionTimeoutMs: { type: 'integer', minimum: 6000, maximum: 300000, default: 30000 },
        commitTimeoutMs: { type: 'integer', minimum: 100, default: 30000 },
        commitMaxMessages: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
        commitMaxDelayMs: { type: 'integer', minimum: 0, default: 500 },
        maxBytesPerPartition: { type: 'integer', minimum: 1024, default: 1048576 },
        webhookTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
        fileSinkTailScanBytes: { type: 'integer', minimum: 1024, default: 16777216 },
        subscriptionDefaultMaxInFlight: { type: 'integer', minimum: 1, maximum: 1000, default: 64 },
        subscriptionMaxInFlightLimit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
        shutdownGraceMs: { type: 'integer', minimum: 1000, default: 30000 },
      },
    },
    // --- end readers and subscriptions ---
    // --- audit trail signing (AuditConfig) ---
    audit: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        signingKeyFile: { type: ['string', 'null'], minLength: 1, default: null },
        trustedKeysDir: { type: ['string', 'null'], minLength: 1, default: null },
      },
    },
    // --- ops console (ConsoleConfig) ---
    console: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        host: { type: 'string', minLength: 1, maxLength: 255, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 9470 },
        access: { enum: ['auto', 'loopback', 'mtls'], default: 'auto' },
        traceUrl: {
          type: ['string', 'null'],
          pattern: '^https?://.*\\{traceId\\}',
          maxLength: 2000,
          default: null,
        },
        maxMessages: { type: 'integer', minimum: 100, maximum: 2000000, default: 100000 },
        maxRefusals: { type: 'integer', minimum: 10, maximum: 100000, default: 1000 },
      },
    },
    // --- end ops console ---
    // --- telemetry (TelemetryConfig) ---
    telemetry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        serviceName: {
          type: ['string', 'null'],
          pattern: '^[A-Za-z0-9._-]{1,100}$',
          default: null,
        },
        metricsHost: { type: 'string', minLength: 1, maxLength: 255, default: '127.0.0.1' },
        metricsPort: { type: ['integer', 'null'], minimum: 0, maximum: 65535, default: 9464 },
        shutdownTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000, default: 5000 },
      },
    },
    // --- end telemetry ---
    // --- link detector, request ledger and their gateway client ---
    links: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        secretFile: { type: ['string', 'null'], minLength: 1, default: null },
        maxObservationsPerSelector: { type: 'integer', minimum: 2, maximum: 5000, default: 1000 },
      },
    },
    requests: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        checkIntervalMs: { type: 'integer', minimum: 50, maximum: 3600000, default: 10000 },
        overdueGraceMs: { type: 'integer', minimum: 0, maximum: 3600000, default: 60000 },
      },
    },
    systemClient: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        gatewayAddress: { type: ['string', 'null'], minLength: 3, maxLength: 300, default: null },
        serverName: { type: ['string', 'null'], minLength: 1, maxLength: 255, default: null },
        certsDir: { type: ['string', 'null'], minLength: 1, default: null },
        publishTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
      },
    },
    // --- end link detector, request ledger ---
  },
} as const;
