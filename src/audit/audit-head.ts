import { IntelrouteError } from '../core/errors';
import { isHash, parseJsonObject, uint64Field } from './audit-format';
import type { AuditTopicRecord, RecordPosition } from './verification-types';

/**
 * The latest head of one audit chain, kept in intel.v1.audit.heads (compacted, key = chainId,
 * header content-type: application/json) and written in the same transaction as the chain's
 * records, so a reader can tell that a chain's tail was cut off.
 *
 * Value: UTF-8 JSON `{"chainId":"gateway-1","sequence":"41","hash":"<64 hex>","keyId":"<64 hex>",
 * "signature":"<base64>"}`, keys in this order, no whitespace, `sequence` a decimal string (uint64
 * in the proto3 JSON mapping; written even when 0, and a reader takes an absent one as 0), `hash`
 * the lowercase hex SHA-256 of the value bytes of the chain's record with that sequence (its last
 * one). `keyId` names the writer's signing key (lowercase hex SHA-256 of its public key, DER
 * SubjectPublicKeyInfo) and `signature` is that key's signature (base64) of the head's signed
 * bytes (`signedHeadBytes`): the chain is vouched for by its writer, not only by Kafka ACLs. A
 * head written without a key has neither field (`audit verify` refuses it). This is the proto3
 * JSON mapping of:
 *
 *     // The latest head of one audit chain (topic intel.v1.audit.heads, key = chain_id).
 *     message AuditChainHead {
 *       string chain_id = 1;
 *       // Sequence of the chain's last record.
 *       uint64 sequence = 2;
 *       // Lowercase hex SHA-256 of that record's value bytes.
 *       string hash = 3;
 *       // Lowercase hex SHA-256 of the signing key's DER SubjectPublicKeyInfo.
 *       string key_id = 4;
 *       // The signature of the head's signed bytes, base64.
 *       string signature = 5;
 *     }
 */
export interface AuditChainHead {
  readonly chainId: string;
  /** Decimal text of a uint64, like AuditRecord.sequence. */
  readonly sequence: string;
  readonly hash: string;
  readonly keyId?: string;
  readonly signature?: string;
}

/** A head record that cannot be used: a tombstone, not the format, or keyed by another chain. */
export interface HeadProblem {
  /** The record's key (the chain it claims to be the head of). */
  readonly chainId: string;
  readonly at: RecordPosition;
  readonly message: string;
}

/** The value bytes of a head record (see AuditChainHead). */
export function encodeChainHead(head: AuditChainHead): Buffer {
  const { chainId, sequence, hash, keyId, signature } = head;
  const signed = keyId === undefined || signature === undefined ? {} : { keyId, signature };
  return Buffer.from(JSON.stringify({ chainId, sequence, hash, ...signed }), 'utf8');
}

/**
 * The bytes a head's signature covers: UTF-8 JSON `{"chainId","sequence","hash","keyId"}` in this
 * order, no whitespace. The key id is inside, so a signature cannot be moved to another key.
 */
export function signedHeadBytes(head: AuditChainHead, keyId: string): Buffer {
  const { chainId, sequence, hash } = head;
  return Buffer.from(JSON.stringify({ chainId, sequence, hash, keyId }), 'utf8');
}

/**
 * Decodes a head record's value.
 * @throws IntelrouteError AUDIT_RECORD_INVALID when it is not the AuditChainHead format.
 */
export function parseChainHead(value: Uint8Array | null): AuditChainHead {
  const json = parseJsonObject(value, 'an audit chain head');
  const sequence = uint64Field(json.sequence);
  const problem =
    typeof json.chainId !== 'string' || json.chainId === ''
      ? 'chainId is missing'
      : sequence === undefined
        ? 'sequence is not a uint64'
        : typeof json.hash !== 'string' || !isHash(json.hash)
          ? 'hash is not a lowercase hex SHA-256'
          : undefined;
  if (problem !== undefined || sequence === undefined) {
    throw new IntelrouteError('AUDIT_RECORD_INVALID', `not an audit chain head: ${problem}`);
  }
  const head = {
    chainId: String(json.chainId),
    sequence: sequence.toString(),
    hash: String(json.hash),
  };
  const { keyId, signature } = json;
  if (keyId === undefined && signature === undefined) return head;
  if (typeof keyId !== 'string' || !isHash(keyId) || typeof signature !== 'string') {
    throw new IntelrouteError(
      'AUDIT_RECORD_INVALID',
      'not an audit chain head: keyId and signature must be a lowercase hex SHA-256 and base64 text',
    );
  }
  return { ...head, keyId, signature };
}

/**
 * Each chain's current head from the records of the heads topic: per key, the record with the
 * highest offset wins (compaction may not have removed older ones yet). A key whose latest record
 * is a tombstone, does not parse or names another chain is left out of `heads` and reported.
 */
export function readHeads(records: Iterable<AuditTopicRecord>): {
  heads: Map<string, AuditChainHead>;
  problems: HeadProblem[];
} {
  const latest = new Map<string, AuditTopicRecord>();
  for (const record of records) {
    const key = keyText(record.key);
    const seen = latest.get(key);
    if (seen === undefined || BigInt(record.offset) > BigInt(seen.offset)) latest.set(key, record);
  }
  const heads = new Map<string, AuditChainHead>();
  const problems: HeadProblem[] = [];
  for (const [chainId, record] of [...latest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const at = { partition: record.partition, offset: record.offset };
    try {
      const head = parseChainHead(record.value);
      if (head.chainId === chainId) heads.set(chainId, head);
      else
        problems.push({ chainId, at, message: `head of chain "${head.chainId}" under this key` });
    } catch (error) {
      problems.push({
        chainId,
        at,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { heads, problems };
}

/** A record key as text ('' for none). */
export function keyText(key: AuditTopicRecord['key']): string {
  if (key === null || key === undefined) return '';
  return typeof key === 'string' ? key : Buffer.from(key).toString('utf8');
}
