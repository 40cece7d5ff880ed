import type { Finding, ValidationFailure, ValidationReason, Violation } from './validation-types';

/** At most this many violations are returned (the count of the rest is in the message). */
export const MAX_VIOLATIONS = 100;

/** How many violations the human message spells out. */
const MESSAGE_VIOLATIONS = 5;

/**
 * Turns findings into a failure. When every finding shares one reason that reason is used;
 * otherwise the generic ENVELOPE_INVALID (the violations still name every field and rule).
 * @param findings at least one.
 */
export function failureFromFindings(findings: readonly Finding[]): ValidationFailure {
  const first = findings[0];
  const reason: ValidationReason =
    first !== undefined && findings.every((f) => f.reason === first.reason)
      ? first.reason
      : 'ENVELOPE_INVALID';
  return failure(
    reason,
    findings.map((f) => f.violation),
  );
}

/**
 * A failure with a summary message built from the violations' fields and messages only (which
 * never hold payload content), truncated to MAX_VIOLATIONS.
 */
export function failure(
  reason: ValidationReason,
  violations: readonly Violation[],
  totalCount: number = violations.length,
): ValidationFailure {
  const kept = violations.slice(0, MAX_VIOLATIONS);
  const listed = kept.slice(0, MESSAGE_VIOLATIONS).map((v) => `${v.field} ${v.message}`);
  const more = totalCount - listed.length;
  const tail = more > 0 ? `; and ${more} more` : '';
  return {
    ok: false,
    reason,
    violations: kept,
    message: `${reason}: ${listed.join('; ')}${tail}`,
  };
}
