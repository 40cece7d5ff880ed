import * as grpc from '@grpc/grpc-js';
import { statusToServiceError } from '../../contract/status-trailer';
import { GRPC_CODE_NAMES, refusalStatus } from '../../contract/rich-status';
import type { Status } from '../../contract/generated/google/rpc/status';
import type { GatewayRefusal } from '../gateway-refusal';

/** The google.rpc.Status of a refusal (ErrorInfo with `message_id`, BadRequest, RetryInfo). */
export function statusOfRefusal(refusal: GatewayRefusal, messageId: string): Status {
  return refusalStatus({
    grpcCode: GRPC_CODE_NAMES.indexOf(refusal.status),
    reason: refusal.reason,
    message: refusal.message,
    fieldViolations: refusal.violations,
    metadata: messageId === '' ? {} : { message_id: messageId },
    ...(refusal.retryDelayMs === undefined ? {} : { retryDelayMs: refusal.retryDelayMs }),
  });
}

/** A refusal as the error a grpc-js handler returns (status, message, details trailer). */
export function serviceErrorOfRefusal(
  refusal: GatewayRefusal,
  messageId: string,
): Partial<grpc.ServiceError> {
  return statusToServiceError(statusOfRefusal(refusal, messageId));
}
