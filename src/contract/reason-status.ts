import type { ReasonName } from './reason-name';
import type { GrpcCodeName } from './rich-status';

/** How the gateway answers a refusal for one reason. */
export interface ReasonStatus {
  /** The gRPC status of the call (or of `PublishResult.refusal` on a stream). */
  readonly grpc: GrpcCodeName;
  /**
   * Whether the same request (same message_id) may succeed later without any change: the
   * refusal then carries a RetryInfo delay.
   */
  readonly retriable: boolean;
}

const invalid: ReasonStatus = { grpc: 'INVALID_ARGUMENT', retriable: false };
const denied: ReasonStatus = { grpc: 'PERMISSION_DENIED', retriable: false };

/**
 * The one map from refusal reason to gRPC status, for every service of the gateway (Publish,
 * PublishStream, Subscribe): proto/README.md's table of refusals is this table.
 */
export const REASON_STATUS: { readonly [R in ReasonName]: ReasonStatus } = {
  // The envelope or request is wrong: fix it before sending again.
  ENVELOPE_INVALID: invalid,
  UNKNOWN_MESSAGE_TYPE: invalid,
  UNSUPPORTED_SCHEMA_VERSION: invalid,
  UNSUPPORTED_CONTENT_TYPE: invalid,
  PAYLOAD_NOT_UTF8: invalid,
  PAYLOAD_NOT_JSON: invalid,
  SCHEMA_VIOLATION: invalid,
  CREATED_AT_IN_FUTURE: invalid,
  RECEIPT_NOT_ALLOWED: invalid,
  REQUEST_MALFORMED: invalid,
  UNKNOWN_DESTINATION: invalid,
  DESTINATION_REQUIRED: invalid,
  RESTRICTED_TO_EXCLUDES: invalid,
  H2_NAMED_ONLY: invalid,
  H3_RESTRICTION: invalid,
  PAYLOAD_TOO_LARGE: { grpc: 'RESOURCE_EXHAUSTED', retriable: false },
  // Who the sender is, and what it may do.
  UNAUTHENTICATED: { grpc: 'UNAUTHENTICATED', retriable: false },
  ORIGIN_MISMATCH: denied,
  ROLE_NOT_PERMITTED: denied,
  GRANT_MISSING: denied,
  STREAM_NOT_PERMITTED: denied,
  // The message is sound but nobody may receive it.
  NO_RECIPIENT: { grpc: 'FAILED_PRECONDITION', retriable: false },
  MESSAGE_ID_REUSED: { grpc: 'ALREADY_EXISTS', retriable: false },
  // Limits and availability: the same request succeeds later.
  RATE_LIMITED: { grpc: 'RESOURCE_EXHAUSTED', retriable: true },
  TOO_MANY_STREAMS: { grpc: 'RESOURCE_EXHAUSTED', retriable: true },
  KAFKA_UNAVAILABLE: { grpc: 'UNAVAILABLE', retriable: true },
  SHUTTING_DOWN: { grpc: 'UNAVAILABLE', retriable: true },
  INTERNAL: { grpc: 'INTERNAL', retriable: false },
};

/**
 * The gRPC status of a refusal for `reason`. `deadlinePassed`: the gateway stopped waiting
 * because the call's deadline came while the message was being written, so whether it was stored
 * is unknown: DEADLINE_EXCEEDED, as gRPC defines it ("the operation may have completed"), whatever
 * the reason.
 */
export function grpcStatusOf(reason: ReasonName, deadlinePassed = false): GrpcCodeName {
  return deadlinePassed ? 'DEADLINE_EXCEEDED' : REASON_STATUS[reason].grpc;
}
