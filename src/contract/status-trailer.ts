import * as grpc from '@grpc/grpc-js';
import { STATUS_DETAILS_TRAILER, decodeStatus, encodeStatus } from './rich-status';
import type { Status } from './generated/google/rpc/status';

/**
 * The grpc-js side of the rich error model (the pure part is src/contract/rich-status.ts):
 * putting a Status into the `grpc-status-details-bin` trailer and reading it back.
 */

/**
 * Sets `status` as the `grpc-status-details-bin` trailer of `metadata` (a new Metadata when
 * omitted) and returns it.
 */
export function statusToMetadata(
  status: Status,
  metadata: grpc.Metadata = new grpc.Metadata(),
): grpc.Metadata {
  metadata.set(STATUS_DETAILS_TRAILER, encodeStatus(status));
  return metadata;
}

/**
 * The error a unary handler passes to its callback (or a stream handler emits) to refuse with
 * `status`: `callback(statusToServiceError(refusalStatus({ … })))`. The code and message go to
 * `grpc-status` / `grpc-message`, the whole Status to `grpc-status-details-bin`.
 */
export function statusToServiceError(
  status: Status,
): Required<Pick<grpc.ServiceError, 'code' | 'details' | 'metadata'>> {
  return { code: status.code, details: status.message, metadata: statusToMetadata(status) };
}

/**
 * The Status in the `grpc-status-details-bin` entry of `metadata` (a failed call's trailers),
 * or undefined when there is none or it does not decode.
 */
export function statusFromMetadata(metadata: grpc.Metadata | undefined): Status | undefined {
  const value = metadata?.get(STATUS_DETAILS_TRAILER)[0];
  if (!Buffer.isBuffer(value)) return undefined;
  try {
    return decodeStatus(value);
  } catch {
    return undefined;
  }
}
