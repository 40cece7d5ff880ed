import type { Role } from '../../identity/identity';
import type { ReasonName } from '../../contract/reason-name';

/** The streams a reader may open (gateway.proto StreamKind, kebab-case). */
export const STREAM_NAMES = ['country-inbox', 'secretariat', 'working-group'] as const;

/** One stream name. */
export type StreamName = (typeof STREAM_NAMES)[number];

/**
 * The streams each role may open (DOMAIN.md's actors table). `country-inbox` always means the
 * reader's own country's inbox plus the broadcast topic; an agency also needs a read grant.
 * Operators read the audit trail and traces, which are not gateway streams.
 */
export const STREAMS_OF_ROLE: Readonly<Record<Role, readonly StreamName[]>> = {
  ncb: ['country-inbox'],
  agency: ['country-inbox'],
  secretariat: ['secretariat'],
  wg: ['working-group'],
  ops: [],
  system: [],
};

/** A refusal of an authorisation check, in the gateway's error model. */
export interface AuthorizationRefusal {
  readonly kind: 'refused';
  readonly reason: ReasonName;
  /** For the caller and the audit trail; names identities and fields, never payload. */
  readonly message: string;
  /** Proto field path of the culprit (`origin.country`, `message_type`, `country`). */
  readonly field?: string;
}

/** Builds a refusal (kept here so every check words its result the same way). */
export function refusal(reason: ReasonName, message: string, field?: string): AuthorizationRefusal {
  return field === undefined
    ? { kind: 'refused', reason, message }
    : { kind: 'refused', reason, message, field };
}
