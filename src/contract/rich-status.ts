import { Any } from './generated/google/protobuf/any';
import {
  BadRequest,
  ErrorInfo,
  RetryInfo,
  type BadRequest_FieldViolation,
} from './generated/google/rpc/error_details';
import { Status } from './generated/google/rpc/status';

/**
 * The error model of gateway.proto, both ways, as pure functions over the generated messages:
 * a refusal is a `google.rpc.Status` whose details hold one `ErrorInfo` (domain
 * `intelroute.v1`, reason = a ReasonCode name without its prefix), a `BadRequest` when fields
 * are at fault, and a `RetryInfo` when the sender should wait before retrying.
 *
 * No gRPC library here: encoders return bytes and decoders take bytes, so the gateway, the
 * client SDK and tests share one implementation. Putting the bytes into the
 * `grpc-status-details-bin` trailer is the job of status-trailer.ts.
 */

/** ErrorInfo.domain of every intelroute refusal. */
export const ERROR_DOMAIN = 'intelroute.v1';

/**
 * The trailer that carries the encoded Status of a failed unary call. The `-bin` suffix makes
 * gRPC base64 the value on the wire; in grpc-js it is set and read as a Buffer.
 */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';

/** Type URLs of the detail messages we write (readers match on the name after the last `/`). */
export const DETAIL_TYPE_URLS = {
  errorInfo: 'type.googleapis.com/google.rpc.ErrorInfo',
  badRequest: 'type.googleapis.com/google.rpc.BadRequest',
  retryInfo: 'type.googleapis.com/google.rpc.RetryInfo',
} as const;

/** google.rpc.Code names, indexed by number (the same numbers as grpc-js `status`). */
export const GRPC_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** A google.rpc.Code name, e.g. `'INVALID_ARGUMENT'`. */
export type GrpcCodeName = (typeof GRPC_CODE_NAMES)[number];

/** The name of a numeric gRPC status; numbers outside google.rpc.Code read as `UNKNOWN`. */
export function grpcCodeName(code: number): GrpcCodeName {
  return GRPC_CODE_NAMES[code] ?? 'UNKNOWN';
}

/** One field at fault: envelope fields by proto path, payload fields as `payload/<pointer>`. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
  /** A stable, machine-readable cause (e.g. the JSON Schema keyword); may be empty. */
  readonly reason: string;
}

/** What the gateway says when it refuses a message (input of refusalStatus). */
export interface RefusalSpec {
  /** Numeric gRPC status (grpc-js `status.*`), never OK. */
  readonly grpcCode: number;
  /** A ReasonCode name without `REASON_CODE_`, e.g. `'SCHEMA_VIOLATION'`. */
  readonly reason: string;
  /** For humans; shown to the sender, so never payload content. */
  readonly message: string;
  readonly fieldViolations?: readonly FieldViolation[];
  /** ErrorInfo.metadata, e.g. `{ message_id }`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** How long the sender should wait before retrying (RetryInfo), in milliseconds. */
  readonly retryDelayMs?: number;
}

/**
 * A refusal as a sender sees it, decoded from a Status. `reason` and `domain` are empty when
 * the Status carries no ErrorInfo (a failure raised by gRPC itself, e.g. a dropped connection).
 */
export interface Refusal {
  readonly code: number;
  readonly codeName: GrpcCodeName;
  readonly reason: string;
  readonly domain: string;
  readonly message: string;
  readonly fieldViolations: readonly FieldViolation[];
  readonly retryDelayMs?: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The google.rpc.Status of a refusal: details are an ErrorInfo, then a BadRequest if there are
 * field violations, then a RetryInfo if `retryDelayMs` is given.
 * @throws RangeError when grpcCode is OK or not a google.rpc.Code, or retryDelayMs is negative
 */
export function refusalStatus(spec: RefusalSpec): Status {
  if (!Number.isInteger(spec.grpcCode) || spec.grpcCode <= 0 || spec.grpcCode > 16) {
    throw new RangeError(`a refusal needs a gRPC status from 1 to 16, got ${spec.grpcCode}`);
  }
  const details: Any[] = [
    pack(
      DETAIL_TYPE_URLS.errorInfo,
      ErrorInfo.encode({
        reason: spec.reason,
        domain: ERROR_DOMAIN,
        metadata: { ...spec.metadata },
      }).finish(),
    ),
  ];
  if (spec.fieldViolations !== undefined && spec.fieldViolations.length > 0) {
    const fieldViolations = spec.fieldViolations.map((violation) => ({ ...violation }));
    details.push(
      pack(DETAIL_TYPE_URLS.badRequest, BadRequest.encode({ fieldViolations }).finish()),
    );
  }
  if (spec.retryDelayMs !== undefined) {
    const retryDelay = durationOfMs(spec.retryDelayMs);
    details.push(pack(DETAIL_TYPE_URLS.retryInfo, RetryInfo.encode({ retryDelay }).finish()));
  }
  return { code: spec.grpcCode, message: spec.message, details };
}

/** The wire bytes of a Status: the value of the `grpc-status-details-bin` trailer. */
export function encodeStatus(status: Status): Buffer {
  return Buffer.from(Status.encode(status).finish());
}

/**
 * The Status in `bytes` (a `grpc-status-details-bin` value).
 * @throws Error from the protobuf reader when the bytes are not a Status
 */
export function decodeStatus(bytes: Uint8Array): Status {
  return Status.decode(bytes);
}

/**
 * Reads a Status as a Refusal. Details are matched by the type name after the last `/` of
 * their URL (any prefix, as the Any spec asks); unknown detail types are skipped, the first
 * ErrorInfo and RetryInfo win, and violations of every BadRequest are kept in order. A detail
 * whose bytes do not decode is skipped: a partial refusal is more useful than none.
 */
export function refusalFromStatus(status: Status): Refusal {
  let errorInfo: ErrorInfo | undefined;
  let retryDelayMs: number | undefined;
  const fieldViolations: FieldViolation[] = [];
  for (const detail of status.details) {
    const type = detail.typeUrl.slice(detail.typeUrl.lastIndexOf('/') + 1);
    try {
      if (type === 'google.rpc.ErrorInfo') errorInfo ??= ErrorInfo.decode(detail.value);
      else if (type === 'google.rpc.BadRequest') {
        fieldViolations.push(...BadRequest.decode(detail.value).fieldViolations.map(violation));
      } else if (type === 'google.rpc.RetryInfo' && retryDelayMs === undefined) {
        retryDelayMs = msOfDuration(RetryInfo.decode(detail.value).retryDelay);
      }
    } catch {
      continue;
    }
  }
  return {
    code: status.code,
    codeName: grpcCodeName(status.code),
    reason: errorInfo?.reason ?? '',
    domain: errorInfo?.domain ?? '',
    message: status.message,
    fieldViolations,
    metadata: { ...errorInfo?.metadata },
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  };
}

function pack(typeUrl: string, value: Uint8Array): Any {
  return { typeUrl, value: Buffer.from(value) };
}

function violation(field: BadRequest_FieldViolation): FieldViolation {
  return { field: field.field, description: field.description, reason: field.reason };
}

function durationOfMs(ms: number): { seconds: string; nanos: number } {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`retryDelayMs must be a finite number >= 0, got ${ms}`);
  }
  const whole = Math.round(ms);
  return { seconds: String(Math.floor(whole / 1000)), nanos: (whole % 1000) * 1_000_000 };
}

/** Milliseconds of a Duration, or undefined for a missing, negative or absurd one. */
function msOfDuration(
  duration: { seconds: string; nanos: number } | undefined,
): number | undefined {
  if (duration === undefined) return undefined;
  const ms = Number(duration.seconds) * 1000 + Math.round(duration.nanos / 1_000_000);
  return Number.isSafeInteger(ms) && ms >= 0 ? ms : undefined;
}
