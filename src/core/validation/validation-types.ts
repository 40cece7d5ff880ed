import type { ReasonName } from '../../contract/reason-name';

export type { ReasonName };

/**
 * The reasons the validator can produce, in the proto catalogue's order. The `satisfies` clause
 * fails compilation if a name drifts from the proto.
 */
export const VALIDATION_REASONS = [
  'ENVELOPE_INVALID',
  'UNKNOWN_MESSAGE_TYPE',
  'UNSUPPORTED_SCHEMA_VERSION',
  'UNSUPPORTED_CONTENT_TYPE',
  'PAYLOAD_TOO_LARGE',
  'PAYLOAD_NOT_UTF8',
  'PAYLOAD_NOT_JSON',
  'SCHEMA_VIOLATION',
  'CREATED_AT_IN_FUTURE',
  'RECEIPT_NOT_ALLOWED',
  'DESTINATION_REQUIRED',
] as const satisfies readonly ReasonName[];

/** A reason the validator refuses a message with. */
export type ValidationReason = (typeof VALIDATION_REASONS)[number];

/**
 * One broken rule. `field` is an envelope field by proto name with indexes
 * (`handling.restricted_to[2]`, `destinations[0].country`) or a payload location as a JSON
 * pointer prefixed with `payload` (`payload/urls/0`, `payload` for the root). `keyword` names
 * the rule (JSON Schema keywords where one fits). `message` is for humans and never contains
 * payload content.
 */
export interface Violation {
  readonly field: string;
  readonly keyword: string;
  readonly message: string;
}

/** The message is acceptable: its parsed payload and the `$id` of the schema it matched. */
export interface ValidationSuccess {
  readonly ok: true;
  readonly payload: unknown;
  readonly schemaId: string;
}

/** The message is refused: one reason, at least one violation, a human summary. */
export interface ValidationFailure {
  readonly ok: false;
  readonly reason: ValidationReason;
  readonly violations: readonly Violation[];
  readonly message: string;
}

export type ValidationResult = ValidationSuccess | ValidationFailure;

/** A violation tagged with the reason it belongs to (internal to the validator). */
export interface Finding {
  readonly reason: ValidationReason;
  readonly violation: Violation;
}

/** Builds a Finding. */
export function finding(
  reason: ValidationReason,
  field: string,
  keyword: string,
  message: string,
): Finding {
  return { reason, violation: { field, keyword, message } };
}
