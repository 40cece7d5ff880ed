/**
 * Base58Check, the address encoding of bitcoin (`1…`, `3…`), litecoin (`L…`, `M…`, `3…`) and
 * tron (`T…`): base58 (bitcoin alphabet) of `version ‖ payload ‖ checksum`, where the checksum
 * is the first 4 bytes of SHA-256(SHA-256(version ‖ payload)). A typo passes with probability
 * 2^-32. The encoding is canonical (each leading `1` is one leading zero byte), so two strings
 * that decode to the same bytes are the same string. Codec: the audited `@scure/base`.
 */
import { sha256 } from '@noble/hashes/sha256';
import { base58, createBase58check } from '@scure/base';

/** Bitcoin's base58 alphabet (no 0, O, I, l). */
export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

const base58check = createBase58check(sha256);

/** The outcome of decoding: the version byte and payload, or why the text is no address. */
export type Base58CheckResult =
  | { readonly ok: true; readonly version: number; readonly payload: Buffer }
  | { readonly ok: false; readonly reason: 'invalid-address' | 'checksum-mismatch' };

/** Decodes and verifies a Base58Check string. Never throws. */
export function decodeBase58Check(text: string): Base58CheckResult {
  if (text.length > 128 || !canDecode(text)) return { ok: false, reason: 'invalid-address' };
  let body: Uint8Array;
  try {
    body = base58check.decode(text);
  } catch {
    return { ok: false, reason: 'checksum-mismatch' };
  }
  if (body.length < 1) return { ok: false, reason: 'invalid-address' };
  return { ok: true, version: body[0] ?? 0, payload: Buffer.from(body.subarray(1)) };
}

/** Encodes `version ‖ payload` with its checksum as Base58Check text. */
export function encodeBase58Check(version: number, payload: Uint8Array): string {
  return base58check.encode(Buffer.concat([Buffer.from([version]), payload]));
}

/** True when `text` is base58 of at least a version byte and a 4-byte checksum. */
function canDecode(text: string): boolean {
  try {
    return base58.decode(text).length >= 5;
  } catch {
    return false;
  }
}
