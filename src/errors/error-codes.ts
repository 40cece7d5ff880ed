/**
 * Every error intelroute raises has a stable code from this table: clients, logs and tests
 * match on codes, never on message text. `grpc` is the name of the gRPC status the gateway
 * answers with; `retriable` tells a caller whether the same request may succeed later.
 * Adding a code is a contract change for senders: never rename or reuse one.
 */
export const ERROR_CODES = {
  // Start-up and environment
  CONFIG_INVALID: { grpc: 'INTERNAL', retriable: false },
  JAVA_MISSING: { grpc: 'INTERNAL', retriable: false },
  MAVEN_MISSING: { grpc: 'INTERNAL', retriable: false },
  KAFKA_JARS_FETCH_FAILED: { grpc: 'INTERNAL', retriable: false },
  KAFKA_START_FAILED: { grpc: 'INTERNAL', retriable: false },
  TOPIC_PLAN_CONFLICT: { grpc: 'INTERNAL', retriable: false },

  // Broker trouble seen while serving a request
  KAFKA_UNAVAILABLE: { grpc: 'UNAVAILABLE', retriable: true },
  KAFKA_TIMEOUT: { grpc: 'DEADLINE_EXCEEDED', retriable: true },

  INTERNAL: { grpc: 'INTERNAL', retriable: false },
} as const satisfies Record<string, ErrorCodeSpec>;

/** The gRPC status names intelroute answers with (mapped to numbers in the gateway). */
export type GrpcStatusName =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'RESOURCE_EXHAUSTED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

export interface ErrorCodeSpec {
  readonly grpc: GrpcStatusName;
  readonly retriable: boolean;
}

export type ErrorCode = keyof typeof ERROR_CODES;
