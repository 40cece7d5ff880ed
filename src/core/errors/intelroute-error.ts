import { ERROR_CODES, type ErrorCode } from './error-codes';

/**
 * The one base class of intelroute's errors. `code` is stable (see error-codes.ts), `retriable`
 * comes from the code's table entry, `cause` keeps the underlying error for logs.
 * `details` carries structured, payload-free facts (field paths, limits) that may be shown to the
 * caller; the message is for humans and may also be shown, so it never contains payload content.
 */
export class IntelrouteError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IntelrouteError';
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

/** True when `value` is an IntelrouteError with the given code (or any code when omitted). */
export function isIntelrouteError(value: unknown, code?: ErrorCode): value is IntelrouteError {
  return value instanceof IntelrouteError && (code === undefined || value.code === code);
}

/** An error's message for a log line or a refusal (anything thrown, Error or not). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
