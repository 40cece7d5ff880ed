import { randomUUID } from 'node:crypto';
import { IntelrouteError } from '../core/errors';
import { Envelope } from '../contract/generated/intelroute/v1/envelope';

/**
 * Envelopes written by hand, as JSON: the proto3 JSON mapping of `intelroute.v1.Envelope`
 * (lowerCamelCase or proto field names, enums by name, `createdAt` as RFC 3339 text, `payload`
 * as base64), plus one convenience: `payloadJson` holds the payload as any JSON value, sent as
 * its UTF-8 serialisation. A missing `messageId` gets a fresh UUID v4, a missing `createdAt`
 * the current time.
 */

/** Where the defaults come from (a clock and an id source fixed in tests). */
export interface EnvelopeJsonDefaults {
  readonly now?: () => Date;
  readonly newMessageId?: () => string;
}

/** Every top-level key the mapping accepts, both spellings, plus `payloadJson`. */
const KNOWN_KEYS = new Set(
  [
    ['messageId', 'message_id'],
    ['messageType', 'message_type'],
    ['schemaVersion', 'schema_version'],
    ['origin'],
    ['destinations'],
    ['handling'],
    ['evaluation'],
    ['priority'],
    ['inReplyTo', 'in_reply_to'],
    ['caseReference', 'case_reference'],
    ['createdAt', 'created_at'],
    ['payload', 'payloadJson'],
    ['contentType', 'content_type'],
    ['receipt'],
  ].flat(),
);

/** Standard or URL-safe base64, padded or not: what the proto3 JSON mapping accepts. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * The Envelope in `value` (parsed JSON). Unknown top-level keys are refused rather than
 * dropped, so a misspelt field is not silently left out of the message.
 * @param source names the input in error messages (a file name, `stdin:3`)
 * @throws IntelrouteError ENVELOPE_INPUT_INVALID
 */
export function envelopeFromJson(
  value: unknown,
  source: string,
  defaults: EnvelopeJsonDefaults = {},
): Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(source, 'an envelope must be a JSON object');
  }
  const object = value as Record<string, unknown>;
  const unknown = Object.keys(object).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) throw invalid(source, `unknown field(s) ${unknown.join(', ')}`);
  const { payloadJson, ...mapped } = object;
  let envelope: Envelope;
  try {
    envelope = Envelope.fromJSON(mapped);
  } catch (error) {
    throw invalid(source, error instanceof Error ? error.message : String(error), error);
  }
  return withDefaults(
    { ...envelope, payload: payloadOf(object, payloadJson, source) ?? envelope.payload },
    source,
    defaults,
  );
}

function payloadOf(
  object: Record<string, unknown>,
  payloadJson: unknown,
  source: string,
): Buffer | undefined {
  const hasPayload = object.payload !== undefined;
  if ('payloadJson' in object && hasPayload) {
    throw invalid(source, 'give payload (base64) or payloadJson (a JSON value), not both');
  }
  if (hasPayload && (typeof object.payload !== 'string' || !BASE64.test(object.payload))) {
    throw invalid(source, 'payload must be base64 text (or use payloadJson for a JSON value)');
  }
  if (!('payloadJson' in object)) return undefined;
  return Buffer.from(JSON.stringify(payloadJson), 'utf8');
}

function withDefaults(
  envelope: Envelope,
  source: string,
  { now = () => new Date(), newMessageId = randomUUID }: EnvelopeJsonDefaults,
): Envelope {
  if (envelope.createdAt !== undefined && Number.isNaN(envelope.createdAt.getTime())) {
    throw invalid(source, 'createdAt must be an RFC 3339 timestamp, e.g. 2025-03-14T09:30:00Z');
  }
  return {
    ...envelope,
    messageId: envelope.messageId === '' ? newMessageId() : envelope.messageId,
    createdAt: envelope.createdAt ?? now(),
  };
}

function invalid(source: string, message: string, cause?: unknown): IntelrouteError {
  return new IntelrouteError('ENVELOPE_INPUT_INVALID', `${source}: ${message}`, {
    cause,
    details: { source },
  });
}
