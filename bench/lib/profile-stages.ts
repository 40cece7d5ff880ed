/**
 * The gateway's stages, for charging CPU profile samples: a sample goes to the innermost frame of
 * its stack that belongs to a stage (so a Buffer copy made by kafkajs is Kafka's, a SHA-256 made
 * by the audit chain is the audit's). Samples with no such frame are "other".
 */
export interface StageRule {
  readonly stage: string;
  /** Matched against `<url> <function name>` of a frame (url relative to the project). */
  readonly pattern: RegExp;
}

export const GATEWAY_STAGES: readonly StageRule[] = [
  { stage: 'GC', pattern: /^ \(garbage collector\)$/ },
  { stage: 'validation', pattern: /core\/validation\/|node_modules\/ajv/ },
  { stage: 'authorisation + routing', pattern: /core\/(routing|authorization)\// },
  {
    stage: 'idempotency',
    pattern: /gateway\/(idempotency-|message-fingerprint)|gateway\/publish-ack/,
  },
  { stage: 'audit chain', pattern: /\/audit\/|gateway\/gateway-audit/ },
  { stage: 'telemetry (spans, metrics)', pattern: /\/telemetry\/|@opentelemetry\// },
  {
    stage: 'Kafka record + request encoding',
    pattern: /kafkajs\/src\/protocol\/(recordBatch|requests\/produce|encoder)/,
  },
  { stage: 'Kafka protocol + network (kafkajs)', pattern: /node_modules\/kafkajs\// },
  { stage: 'writer + batching', pattern: /\/kafka\// },
  {
    stage: 'protobuf (envelope, acks)',
    pattern: /@bufbuild\/protobuf|contract\/(generated|wire-check)/,
  },
  {
    stage: 'gRPC + HTTP/2 + TLS',
    pattern: /@grpc\/grpc-js|node:internal\/http2|node:_tls|node:tls|node:net/,
  },
  { stage: 'pipeline', pattern: /\/gateway\// },
];
