/**
 * Native segwit addresses (`bc1…`, `ltc1…`): bech32 (BIP-173) for witness version 0, bech32m
 * (BIP-350) for versions 1 to 16. The 6-character BCH checksum detects any error in up to 4
 * characters. Validation follows the BIPs' reference decoder: at most 90 characters, no mixed
 * case, the expected human-readable part, a valid checksum of the variant the version requires,
 * a witness program of 2 to 40 bytes (20 or 32 for version 0) with zero padding of 4 bits or
 * fewer. The normal form is lower case (BIP-173: upper case is the same address, for QR codes).
 * Codec: the audited `@scure/base`; this file only says which failure is which.
 */
import { bech32, bech32m } from '@scure/base';

const CHARSET = /^[qpzry9x8gf2tvdw0s3jn54khce6mua7l]+$/;

/** The outcome of decoding a segwit address: its lower-case form, or why it is none. */
export type SegwitResult =
  | { readonly ok: true; readonly address: string }
  | {
      readonly ok: false;
      readonly reason: 'invalid-address' | 'checksum-mismatch' | 'wrong-network';
    };

/** Decodes and verifies a segwit address whose human-readable part must be `hrp`. */
export function decodeSegwitAddress(hrp: string, text: string): SegwitResult {
  const lower = text.toLowerCase();
  if (text.length > 90 || (text !== lower && text !== text.toUpperCase())) return invalid();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || separator + 7 > lower.length) return invalid();
  if (lower.slice(0, separator) !== hrp) return { ok: false, reason: 'wrong-network' };
  if (!CHARSET.test(lower.slice(separator + 1))) return invalid();
  const plain = bech32.decodeUnsafe(lower, 90);
  const modified = plain === undefined ? bech32m.decodeUnsafe(lower, 90) : undefined;
  const words = (plain ?? modified)?.words;
  if (words === undefined) return { ok: false, reason: 'checksum-mismatch' };
  const [version] = words;
  const program = bech32.fromWordsUnsafe(words.slice(1));
  if (version === undefined || version > 16 || program === undefined) return invalid();
  if (program.length < 2 || program.length > 40) return invalid();
  if (version === 0 && program.length !== 20 && program.length !== 32) return invalid();
  // Version 0 takes the bech32 checksum, versions 1-16 the bech32m one (BIP-350).
  if ((version === 0) !== (plain !== undefined)) return { ok: false, reason: 'checksum-mismatch' };
  return { ok: true, address: lower };
}

/** Encodes a witness program as a segwit address (bech32 for version 0, else bech32m). */
export function encodeSegwitAddress(hrp: string, version: number, program: Uint8Array): string {
  const coder = version === 0 ? bech32 : bech32m;
  return coder.encode(hrp, [version, ...bech32.toWords(program)], 90);
}

function invalid(): SegwitResult {
  return { ok: false, reason: 'invalid-address' };
}
