import type { Envelope } from '../../../contract/generated/intelroute/v1/envelope';
import { decodeMessageValue, formatOrigin } from '../../../kafka/record-format';

/** One country's current contact point, as the directory topic holds it. */
export interface ContactPointEntry {
  readonly country: string;
  /** `withdrawn` after a withdraw action: the country has no contact point now. */
  readonly status: 'active' | 'withdrawn';
  readonly action: string;
  readonly effectiveFrom: string | null;
  readonly effectiveUntil: string | null;
  /** The contact-point-update payload as sent (unit, contact, languages, availability, ...). */
  readonly contactPoint: Readonly<Record<string, unknown>>;
  readonly messageId: string;
  readonly origin: string;
  readonly sender: string | null;
  /** When the gateway accepted the update. */
  readonly updatedAt: string | null;
  /** Where the entry sits in the directory topic. */
  readonly partition: number;
  readonly offset: string;
}

/** A directory record read as an entry, a removal (tombstone), or something to skip. */
export type DirectoryRecordReading =
  | { readonly kind: 'entry'; readonly entry: ContactPointEntry }
  | { readonly kind: 'removed'; readonly country: string }
  | { readonly kind: 'skipped'; readonly why: string };

const COUNTRY = /^[A-Z]{2}$/;

/**
 * Reads one record of the contact-point directory (key = country, value = the
 * contact-point-update message record: an Envelope). Pure. A null value removes the country; a
 * record whose key, type or payload does not make sense is skipped with the reason (never with
 * payload content).
 */
export function readDirectoryRecord(record: {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}): DirectoryRecordReading {
  const country = record.key?.toString('utf8') ?? '';
  if (!COUNTRY.test(country)) return { kind: 'skipped', why: 'key is not a country code' };
  if (record.value === null) return { kind: 'removed', country };
  let envelope: Envelope;
  try {
    envelope = decodeMessageValue(record.value);
  } catch {
    return { kind: 'skipped', why: 'value is not an Envelope' };
  }
  if (envelope.messageType !== 'contact-point-update') {
    return { kind: 'skipped', why: `message type ${envelope.messageType || '(none)'}` };
  }
  const payload = parseObject(envelope.payload);
  if (payload === undefined) return { kind: 'skipped', why: 'payload is not a JSON object' };
  if (payload.country !== country)
    return { kind: 'skipped', why: 'payload country differs from key' };
  return { kind: 'entry', entry: toEntry(country, envelope, payload, record) };
}

function toEntry(
  country: string,
  envelope: Envelope,
  payload: Record<string, unknown>,
  at: { readonly partition: number; readonly offset: string },
): ContactPointEntry {
  const action = typeof payload.action === 'string' ? payload.action : '';
  return {
    country,
    status: action === 'withdraw' ? 'withdrawn' : 'active',
    action,
    effectiveFrom: stringOrNull(payload.effectiveFrom),
    effectiveUntil: stringOrNull(payload.effectiveUntil),
    contactPoint: payload,
    messageId: envelope.messageId,
    origin: formatOrigin(envelope.origin),
    sender: envelope.receipt?.sender || null,
    updatedAt: envelope.receipt?.receivedAt?.toISOString() ?? null,
    partition: at.partition,
    offset: at.offset,
  };
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
