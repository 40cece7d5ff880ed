import type { Envelope } from '../contract/generated/intelroute/v1/envelope';

/**
 * CloudEvents 1.0 attributes of a message record, carried as the Kafka protocol binding's
 * binary content mode does: each attribute a `ce_<name>` header, `datacontenttype` the record's
 * `content-type` header, `data` the record value (the protobuf `Envelope`). They sit beside
 * intelroute's own headers, which stay. proto/README.md ("CloudEvents") documents the values.
 *
 * What does not vary per message is a constant; the rest is computed once per message (not per
 * route) by `cloudEventAttributes`, when record-format encodes the envelope.
 */

/** Header names of the CloudEvents attributes (binary content mode: `ce_` + attribute name). */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  subject: 'ce_subject',
} as const;

/** The CloudEvents specification version the attributes follow. */
export const CE_SPEC_VERSION = '1.0';

/**
 * `ce_source` is this prefix + the origin (`urn:intelroute:ncb:FR`): the URN namespace of the
 * network's identities, so the source of an NCB's, agency's or working-group member's message is
 * the URN of its certificate. Message ids are unique per origin only, so the origin must be in the
 * source for source + id to be unique, as CloudEvents requires.
 */
export const CE_SOURCE_PREFIX = 'urn:intelroute:';

/** `ce_type` is this reverse-DNS prefix + `<message-type>.v<schema-version>`. */
export const CE_TYPE_PREFIX = 'org.intelroute.';

/**
 * `ce_dataschema` is this + `<message-type>/v<schema-version>.json`: the payload schema's `$id`
 * (the schema registry refuses to load a schema whose `$id` is not exactly this; a unit test
 * checks every file of schemas/ against it).
 */
export const CE_DATASCHEMA_BASE = 'https://schemas.intelroute.org/';

/** The attributes of one message that vary (`specversion` is constant, `id` is the message id). */
export interface CloudEventAttributes {
  readonly source: string;
  readonly type: string;
  readonly dataschema: string;
  /** Absent when the envelope has no valid `created_at`. */
  readonly time: string | undefined;
  /** The case reference; absent when the envelope has none. */
  readonly subject: string | undefined;
}

/**
 * The varying attributes of `envelope`, whose origin (`formatOrigin`) and schema version (as
 * text) the caller has already formatted for its own headers.
 */
export function cloudEventAttributes(
  envelope: Pick<Envelope, 'messageType' | 'createdAt' | 'caseReference'>,
  origin: string,
  schemaVersion: string,
): CloudEventAttributes {
  return {
    source: ceSource(origin),
    type: ceType(envelope.messageType, schemaVersion),
    dataschema: ceDataschema(envelope.messageType, schemaVersion),
    time: ceTime(envelope.createdAt),
    subject: envelope.caseReference === '' ? undefined : envelope.caseReference,
  };
}

/** `urn:intelroute:<origin>` for an origin as `formatOrigin` writes it (`ncb:FR`). */
export function ceSource(origin: string): string {
  return CE_SOURCE_PREFIX + origin;
}

/** `org.intelroute.<message-type>.v<schema-version>`. */
export function ceType(messageType: string, schemaVersion: string): string {
  return `${CE_TYPE_PREFIX}${messageType}.v${schemaVersion}`;
}

/** The `$id` of the payload schema, `https://schemas.intelroute.org/<type>/v<N>.json`. */
export function ceDataschema(messageType: string, schemaVersion: string): string {
  return `${CE_DATASCHEMA_BASE}${messageType}/v${schemaVersion}.json`;
}

/** Milliseconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: RFC 3339's years. */
const RFC3339_MIN_MS = -62_167_219_200_000;
const RFC3339_MAX_MS = 253_402_300_799_999;

/**
 * RFC 3339 (UTC, milliseconds: the precision the envelope keeps) of the envelope's `created_at`,
 * or undefined when it is absent or outside years 0000-9999 (the attribute is optional; the
 * gateway refuses such envelopes before routing anyway).
 */
export function ceTime(createdAt: Date | undefined): string | undefined {
  if (createdAt === undefined) return undefined;
  const ms = createdAt.getTime();
  // NaN (an invalid date) fails both comparisons: left out too.
  if (!(ms >= RFC3339_MIN_MS && ms <= RFC3339_MAX_MS)) return undefined;
  return createdAt.toISOString();
}
