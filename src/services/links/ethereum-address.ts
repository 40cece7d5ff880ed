/**
 * Ethereum addresses: `0x` and 40 hexadecimal digits (20 bytes).
 *
 * EIP-55 hides a checksum in the case of the letters: letter i is upper case exactly when hex
 * digit i of Keccak-256(the lower-case hex text, as ASCII) is 8 or more. An address in one case
 * only (all lower or all upper) carries no checksum and is accepted as it is; an address in
 * mixed case must match its checksum, else `checksum-mismatch` (a one-letter typo fails it with
 * probability about 1 - 2^-15 on average). The normal form is lower case.
 */
import { keccak256 } from './keccak';
import { accepted, refused, type Normalised } from './selector-types';

const ADDRESS = /^0x([0-9a-fA-F]{40})$/;

/** Validates an Ethereum address (EIP-55 when mixed case) and lower-cases it. */
export function normaliseEthereumAddress(text: string): Normalised {
  const match = ADDRESS.exec(text);
  const hex = match?.[1];
  if (hex === undefined) return refused('invalid-address');
  const lower = hex.toLowerCase();
  const singleCase = hex === lower || hex === hex.toUpperCase();
  if (!singleCase && eip55(lower) !== `0x${hex}`) return refused('checksum-mismatch');
  return accepted(`0x${lower}`);
}

/** The EIP-55 mixed-case spelling of an address given as 40 lower-case hex digits. */
export function eip55(lowerHex: string): string {
  const hash = keccak256(Buffer.from(lowerHex, 'ascii')).toString('hex');
  let out = '0x';
  for (let i = 0; i < lowerHex.length; i += 1) {
    const char = lowerHex[i] ?? '';
    out += parseInt(hash[i] ?? '0', 16) >= 8 ? char.toUpperCase() : char;
  }
  return out;
}
