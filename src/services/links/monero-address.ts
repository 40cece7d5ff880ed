/**
 * Monero mainnet addresses: Monero's block base58 (each 8 bytes become exactly 11 characters,
 * a final shorter block a fixed shorter count) of `prefix ‖ public spend key ‖ public view key
 * [‖ payment id] ‖ checksum`, the checksum being the first 4 bytes of Keccak-256 (not SHA3-256,
 * see keccak.ts) of everything before it.
 *
 * - standard address: prefix 18, 69 bytes, 95 characters (`4…`);
 * - subaddress: prefix 42, 69 bytes, 95 characters (`8…`);
 * - integrated address: prefix 19, 77 bytes (an 8-byte payment id added), 106 characters (`4…`).
 *
 * An integrated address pays the same wallet as the standard address made of its two keys; it
 * only tags the payment. Vendors hand each buyer a different one, so its normal form is that
 * standard address: two buyers' integrated addresses for one vendor link. Other prefixes
 * (testnet, stagenet) with a valid checksum → `wrong-network`. Codec: `@scure/base`'s base58xmr.
 */
import { base58xmr } from '@scure/base';
import { keccak256 } from './keccak';
import { accepted, refused, type Normalised } from './selector-types';

const STANDARD = { prefix: 18, bytes: 69 } as const;
const SUBADDRESS = { prefix: 42, bytes: 69 } as const;
const INTEGRATED = { prefix: 19, bytes: 77 } as const;

/** Validates a Monero mainnet address and returns its normal form (rules above). */
export function normaliseMoneroAddress(text: string): Normalised {
  const bytes = text.length > 120 ? undefined : decodeMoneroBase58(text);
  if (bytes === undefined || (bytes.length !== 69 && bytes.length !== 77)) {
    return refused('invalid-address');
  }
  const body = bytes.subarray(0, -4);
  if (!checksum(body).equals(bytes.subarray(-4))) return refused('checksum-mismatch');
  const prefix = bytes[0];
  if (bytes.length === INTEGRATED.bytes && prefix === INTEGRATED.prefix) {
    return accepted(standardAddress(bytes.subarray(1, 65)));
  }
  const known = prefix === STANDARD.prefix || prefix === SUBADDRESS.prefix;
  return known && bytes.length === STANDARD.bytes ? accepted(text) : refused('wrong-network');
}

/** Decodes Monero block base58; undefined when a character, block length or value is invalid. */
export function decodeMoneroBase58(text: string): Buffer | undefined {
  try {
    const bytes = base58xmr.decode(text);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch {
    return undefined;
  }
}

/** Encodes bytes in Monero block base58. */
export function encodeMoneroBase58(bytes: Uint8Array): string {
  return base58xmr.encode(bytes);
}

function standardAddress(keys: Uint8Array): string {
  const body = Buffer.concat([Buffer.from([STANDARD.prefix]), keys]);
  return encodeMoneroBase58(Buffer.concat([body, checksum(body)]));
}

function checksum(body: Uint8Array): Buffer {
  return keccak256(body).subarray(0, 4);
}
