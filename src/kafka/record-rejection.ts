/**
 * Kafka errors about the records themselves, not the cluster: the same records fail again on
 * any broker, so retrying the batch as it is cannot help, and every job in it would share the
 * failure. The writer writes such a batch again in halves until the job at fault stands alone.
 */
const RECORD_ERRORS: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
  'CORRUPT_MESSAGE',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
]);

/** Raised by the writer itself when a transaction's records would exceed a batch limit. */
export class BatchTooLargeError extends Error {
  override readonly name = 'BatchTooLargeError';
}

/** True when `error` (or an error it wraps) is a refusal of the records, not of the cluster. */
export function isRecordRejection(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== undefined && depth < 5; depth += 1) {
    if (cause instanceof BatchTooLargeError) return true;
    if (typeof cause !== 'object' || cause === null) return false;
    const type = (cause as { type?: unknown }).type;
    if (typeof type === 'string' && RECORD_ERRORS.has(type)) return true;
    const wrapped = cause as { cause?: unknown; originalError?: unknown };
    cause = wrapped.originalError ?? wrapped.cause;
  }
  return false;
}
