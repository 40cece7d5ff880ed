import * as grpc from '@grpc/grpc-js';
import { grpcCodeName, refusalFromStatus, type Refusal } from '../contract/rich-status';
import { IntelrouteError } from '../core/errors';
import type { Status } from '../contract/generated/google/rpc/status';
import { statusFromMetadata } from '../contract/status-trailer';

export type { FieldViolation, GrpcCodeName, Refusal } from '../contract/rich-status';

/** The parts of a call's final status a refusal is read from (a ServiceError or StatusObject). */
export interface CallStatusLike {
  readonly code?: number;
  readonly details?: string;
  readonly metadata?: grpc.Metadata;
}

/**
 * The Refusal of a failed call (a unary ServiceError, or a stream's final status). The code and
 * message are the call's own (`grpc-status`, `grpc-message`); reason, field violations, retry
 * delay and metadata come from the `grpc-status-details-bin` trailer. A trailer that does not
 * decode, or whose code differs from the call's (something between us and the gateway changed
 * the status), is ignored: the refusal then has an empty reason.
 */
export function refusalFromCallStatus(status: CallStatusLike): Refusal {
  const code = status.code ?? grpc.status.UNKNOWN;
  const message = status.details ?? '';
  const detailed = statusFromMetadata(status.metadata);
  if (detailed === undefined || detailed.code !== code) {
    return refusalFromStatus({ code, message, details: [] });
  }
  return { ...refusalFromStatus(detailed), code, codeName: grpcCodeName(code), message };
}

/** The Refusal of one message in a PublishStream (`PublishResult.refusal`). */
export function refusalFromResult(status: Status): Refusal {
  return refusalFromStatus(status);
}

/**
 * True when sending the same message again (same message_id) may succeed: the gateway or Kafka
 * was unavailable, the deadline passed, the sender was rate-limited, or the call was reset
 * from the other side. Anything else needs a change to the message or the sender's rights first.
 *
 * CANCELLED counts because the client never turns its own cancellations into refusals (they
 * become CLIENT_CLOSED): one that reaches us is a reset by the gateway or a proxy, e.g. a
 * gateway forcing its shutdown (grpc-js maps that RST_STREAM to CANCELLED, not UNAVAILABLE).
 */
export function isRetriableRefusal(refusal: Refusal): boolean {
  switch (refusal.code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
    case grpc.status.CANCELLED:
      return true;
    case grpc.status.RESOURCE_EXHAUSTED:
      return refusal.reason === 'RATE_LIMITED';
    default:
      return false;
  }
}

/**
 * A message the gateway did not acknowledge. `code` is PUBLISH_NOT_ACKNOWLEDGED (retriable:
 * resend later with the same message_id) or PUBLISH_REFUSED (not retriable: the message or the
 * sender's rights must change first); `refusal` holds the gateway's reasons.
 */
export class PublishRefusedError extends IntelrouteError {
  readonly refusal: Refusal;
  readonly messageId: string;
  /** How many times the message was sent before giving up. */
  readonly attempts: number;

  constructor(refusal: Refusal, options: { messageId: string; attempts: number; cause?: unknown }) {
    const reason = refusal.reason === '' ? '' : ` ${refusal.reason}`;
    super(
      isRetriableRefusal(refusal) ? 'PUBLISH_NOT_ACKNOWLEDGED' : 'PUBLISH_REFUSED',
      `message ${options.messageId || '(no id)'} not acknowledged: ${refusal.codeName}${reason}: ${refusal.message}`,
      {
        cause: options.cause,
        details: { messageId: options.messageId, code: refusal.codeName, reason: refusal.reason },
      },
    );
    this.name = 'PublishRefusedError';
    this.refusal = refusal;
    this.messageId = options.messageId;
    this.attempts = options.attempts;
  }
}
