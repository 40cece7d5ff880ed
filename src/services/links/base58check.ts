/**
 * Base58Check, the address encoding of bitcoin (`1…`, `3…`), litecoin (`L…`, `M…`, `3…`) and
 * tron (`T…`): base58 (bitcoin alphabet) of `version ‖ payload ‖ checksum`, where the checksum
 * is the first 4 bytes of SHA-256(SHA-256(version ‖ payload)). A typo passes with probability
 * 2^-32. The encoding is canonical (each leading `1` is one leading zero byte), so two strings
 * that decode to the same bytes are the same string.
 */
import { createHash } from 'node:crypto';

/** Bitcoin's base58 alphabet (no 0, O, I, l). */
export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT: ReadonlyMap<string, bigint> = new Map(
  [...BASE58_ALPHABET].map((char, i) => [char, BigInt(i)]),
);

/** The outcome of decoding: the version byte and payload, or why the text is no address. */
export type Base58CheckResult =
  | { readonly ok: true; readonly version: number; readonly payload: Buffer }
  | { readonly ok: false; readonly reason: 'invalid-address' | 'checksum-mismatch' };

/** Decodes base58 text to bytes; undefined when a character is outside the alphabet. */
export function decodeBase58(text: string): Buffer | undefined {
  let value = 0n;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) return undefined;
    value = value * 58n + digit;
  }
  const hex = value === 0n ? '' : value.toString(16);
  const body = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  const zeros = text.length - text.replace(/^1+/, '').length;
  return Buffer.concat([Buffer.alloc(zeros), body]);
}

/** Encodes bytes as base58 text. */
export function encodeBase58(bytes: Uint8Array): string {
  let value = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let text = '';
  while (value > 0n) {
    text = BASE58_ALPHABET[Number(value % 58n)] + text;
    value /= 58n;
  }
  const zeros = bytes.findIndex((byte) => byte !== 0);
  return '1'.repeat(zeros === -1 ? bytes.length : zeros) + text;
}

/** Decodes and verifies a Base58Check string. Never throws. */
export function decodeBase58Check(text: string): Base58CheckResult {
  const bytes = text.length > 128 ? undefined : decodeBase58(text);
  if (bytes === undefined || bytes.length < 5) return { ok: false, reason: 'invalid-address' };
  const body = bytes.subarray(0, -4);
  if (!checksum(body).equals(bytes.subarray(-4))) return { ok: false, reason: 'checksum-mismatch' };
  return { ok: true, version: body[0] ?? 0, payload: Buffer.from(body.subarray(1)) };
}

/** Encodes `version ‖ payload` with its checksum as Base58Check text. */
export function encodeBase58Check(version: number, payload: Uint8Array): string {
  const body = Buffer.concat([Buffer.from([version]), payload]);
  return encodeBase58(Buffer.concat([body, checksum(body)]));
}

function checksum(body: Uint8Array): Buffer {
  const once = createHash('sha256').update(body).digest();
  return createHash('sha256').update(once).digest().subarray(0, 4);
}
