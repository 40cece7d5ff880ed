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
  },
} as const;
