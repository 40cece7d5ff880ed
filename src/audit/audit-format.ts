import { AuditRecord, auditEventFromJSON } from '../contract/generated/intelroute/v1/records';
import { IntelrouteError } from '../core/errors';
import { sha256Hex } from '../core/sha256';

/** `previous_hash` of a chain's first record (sequence 0): 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The content-type header of audit and head records. */
export const AUDIT_CONTENT_TYPE = 'application/json';

const HASH = /^[0-9a-f]{64}$/;
const UINT64_TEXT = /^(0|[1-9][0-9]{0,19})$/;
const UINT64_MAX = 2n ** 64n - 1n;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Lowercase hex SHA-256 of `bytes`: the hash that links audit records. */
export { sha256Hex };

/** True for a lowercase hex SHA-256 (64 characters). */
export function isHash(text: string): boolean {
  return HASH.test(text);
}

/**
 * The value bytes of an audit record: UTF-8 of `JSON.stringify(AuditRecord.toJSON(record))`,
 * the proto3 JSON mapping. These exact bytes are what the next record's `previous_hash` hashes,
 * so they must not depend on anything but the record's content:
 * - ts-proto's toJSON assigns keys in proto field-number order and none is integer-like, so the
 *   key order is fixed (chainId, sequence, previousHash, event, at, ... changes);
 * - default values are omitted (sequence "0", empty strings, empty lists, event UNSPECIFIED);
 * - `at` is `Date.toISOString()`: always milliseconds and `Z` (e.g. 2025-03-01T10:00:00.000Z);
 * - `changes` (a map) is re-inserted with sorted keys, so the order the caller built it in does
 *   not matter (JavaScript still puts integer-like keys first, in numeric order: also fixed);
 * - no whitespace; JSON.stringify escapes lone surrogates, so the text is always valid UTF-8.
 * Readers never re-serialise: verification hashes the bytes as read.
 * @throws IntelrouteError AUDIT_RECORD_INVALID for an invalid `at` or an unknown event number.
 */
export function serializeAuditRecord(record: AuditRecord): Buffer {
  try {
    const json = AuditRecord.toJSON(record) as { changes?: Record<string, string> };
    // Re-inserted in place (it stays the last member): no copy of the whole record per record.
    if (json.changes !== undefined) {
      const sorted = sortedChanges(record.changes);
      // Only a "__proto__" key was there: assigning it to a plain object drops it.
      if (Object.keys(sorted).length > 0) json.changes = sorted;
      else delete json.changes;
    }
    return Buffer.from(JSON.stringify(json), 'utf8');
  } catch (error) {
    throw new IntelrouteError('AUDIT_RECORD_INVALID', 'audit record cannot be serialised', {
      cause: error,
    });
  }
}

function sortedChanges(changes: Record<string, string>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(changes).sort()) sorted[key] = changes[key] ?? '';
  return sorted;
}

/**
 * Decodes an audit record's value, checking what the chain relies on: UTF-8 JSON object, a
 * non-empty chainId, a uint64 sequence (decimal text or number; absent means 0), a lowercase hex
 * previousHash, a valid `at`, a known event. Other fields are taken as the proto3 JSON mapping
 * reads them: their integrity comes from the hash, not from this check.
 * @throws IntelrouteError AUDIT_RECORD_INVALID naming what is wrong.
 */
export function parseAuditValue(value: Uint8Array | null): AuditRecord {
  const json = parseJsonObject(value, 'an audit record');
  const problem = auditJsonProblem(json);
  if (problem !== undefined) throw invalid(problem);
  try {
    return AuditRecord.fromJSON(json);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error), error);
  }
}

/**
 * Parses a value that must be a UTF-8 JSON object (`what` names it in the error).
 * @throws IntelrouteError AUDIT_RECORD_INVALID
 */
export function parseJsonObject(value: Uint8Array | null, what: string): Record<string, unknown> {
  if (value === null) throw invalid('no value (a tombstone)', undefined, what);
  let json: unknown;
  try {
    json = JSON.parse(UTF8.decode(value));
  } catch (error) {
    throw invalid('not UTF-8 JSON', error, what);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid('not a JSON object', undefined, what);
  }
  return json as Record<string, unknown>;
}

/** The uint64 in a proto3 JSON field (decimal text or integer; absent is 0), or undefined. */
export function uint64Field(value: unknown): bigint | undefined {
  if (value === undefined) return 0n;
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  }
  if (typeof value !== 'string' || !UINT64_TEXT.test(value)) return undefined;
  const parsed = BigInt(value);
  return parsed <= UINT64_MAX ? parsed : undefined;
}

function auditJsonProblem(json: Record<string, unknown>): string | undefined {
  const { chainId, sequence, previousHash, at, event } = json;
  if (typeof chainId !== 'string' || chainId === '') return 'chainId is missing';
  if (uint64Field(sequence) === undefined) return 'sequence is not a uint64';
  if (typeof previousHash !== 'string' || !isHash(previousHash)) {
    return 'previousHash is not a lowercase hex SHA-256';
  }
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return 'at is not a timestamp';
  if (event !== undefined && !knownEvent(event)) return `event ${JSON.stringify(event)} is unknown`;
  return undefined;
}

function knownEvent(event: unknown): boolean {
  try {
    auditEventFromJSON(event);
    return true;
  } catch {
    return false;
  }
}

function invalid(problem: string, cause?: unknown, what = 'an audit record'): IntelrouteError {
  return new IntelrouteError(
    'AUDIT_RECORD_INVALID',
    `not ${what}: ${problem}`,
    cause === undefined ? {} : { cause },
  );
}
