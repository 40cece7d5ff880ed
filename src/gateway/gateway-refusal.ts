import type { FieldViolation, GrpcCodeName } from '../contract/rich-status';
import type { ReasonName } from '../contract/reason-name';
import { grpcStatusOf, REASON_STATUS } from '../contract/reason-status';
import { isIntelrouteError, type ErrorCode } from '../core/errors';

/**
 * Why the gateway refuses a message: the gRPC status, the ReasonCode name, a message for the
 * sender (never payload content) and the fields at fault. The gRPC adapter turns it into a
 * google.rpc.Status; the dead-letter and audit records carry the same facts.
 */
export interface GatewayRefusal {
  readonly status: GrpcCodeName;
  readonly reason: ReasonName;
  readonly message: string;
  readonly violations: readonly FieldViolation[];
  readonly retryDelayMs?: number;
}

/** How long a sender should wait before retrying a refusal whose reason is retriable. */
const RETRY_DELAY_MS = 1000;

/**
 * A refusal for `reason`, its gRPC status from REASON_STATUS (contract/reason-status.ts).
 * Retriable reasons carry `retryDelayMs` (one second unless given).
 */
export function refusal(
  reason: ReasonName,
  message: string,
  violations: readonly FieldViolation[] = [],
  options: { readonly retryDelayMs?: number; readonly deadlinePassed?: boolean } = {},
): GatewayRefusal {
  const retryDelayMs =
    options.retryDelayMs ?? (REASON_STATUS[reason].retriable ? RETRY_DELAY_MS : undefined);
  return {
    status: grpcStatusOf(reason, options.deadlinePassed),
    reason,
    message,
    violations,
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  };
}

/** Tells a refusal from the other values a check may return (an identity, a lease). */
export function isGatewayRefusal(value: object): value is GatewayRefusal {
  return 'status' in value && 'reason' in value && 'violations' in value;
}

/** The reason a failure of our own code carries to the sender. */
const REASON_OF_ERROR: Partial<Record<ErrorCode, ReasonName>> = {
  KAFKA_UNAVAILABLE: 'KAFKA_UNAVAILABLE',
  KAFKA_TIMEOUT: 'KAFKA_UNAVAILABLE',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  IDENTITY_INVALID: 'UNAUTHENTICATED',
  KAFKA_RECORD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/**
 * The one mapping from anything thrown to what the sender is told. Known failures keep their
 * message (transient ones get a retry delay); anything else becomes INTERNAL with a generic message
 * (the details go to the logs under `traceId`, never to the sender).
 */
export function refusalFromError(error: unknown, traceId: string): GatewayRefusal {
  if (isIntelrouteError(error)) {
    const reason = REASON_OF_ERROR[error.code];
    if (reason !== undefined) {
      // A writer's own deadline passing says the same as the caller's: outcome unknown.
      return refusal(reason, error.message, [], {
        deadlinePassed: error.code === 'KAFKA_TIMEOUT',
      });
    }
  }
  return refusal('INTERNAL', `internal error; quote trace id ${traceId} to the operators`);
}
