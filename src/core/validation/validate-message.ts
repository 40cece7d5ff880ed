import type { Envelope } from '../../contract/generated/intelroute/v1/envelope';
import { validateEnvelope } from './envelope-validator';
import { DEFAULT_MAX_PAYLOAD_BYTES, validatePayload } from './payload-validator';
import type { SchemaRegistry } from './schema-registry';
import type { ValidationResult } from './validation-types';

/** Default tolerance for created_at ahead of the gateway's clock: 5 minutes. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 300_000;

export interface ValidateMessageOptions {
  /** The compiled payload schemas (built once at start-up). */
  readonly registry: SchemaRegistry;
  /** The gateway's clock reading for this message (the validator reads no clock). */
  readonly now: Date;
  /** Largest accepted payload in bytes; default 1 MiB (1,048,576). */
  readonly maxPayloadBytes?: number;
  /** How far created_at may lie ahead of `now`, in ms; default 300,000 (5 minutes). */
  readonly maxFutureSkewMs?: number;
}

/**
 * Validates one message: the envelope first (every broken rule reported at once); if it
 * passes, the payload (size, UTF-8, depth, JSON, schema). Pure: no I/O, no clock. Never throws
 * for any envelope content.
 * @returns `{ ok: true, payload, schemaId }` with the parsed payload, or
 *   `{ ok: false, reason, violations, message }`.
 */
export function validateMessage(
  envelope: Envelope,
  options: ValidateMessageOptions,
): ValidationResult {
  const envelopeCheck = validateEnvelope(envelope, {
    registry: options.registry,
    now: options.now,
    maxFutureSkewMs: options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS,
  });
  if (!envelopeCheck.ok) return envelopeCheck;
  return validatePayload(envelope.payload, envelopeCheck.schema, {
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
  });
}
