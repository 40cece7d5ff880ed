/**
 * Native segwit addresses (`bc1…`, `ltc1…`): bech32 (BIP-173) for witness version 0, bech32m
 * (BIP-350) for versions 1 to 16. The 6-character BCH checksum detects any error in up to 4
 * characters. Validation follows the BIPs' reference decoder: at most 90 characters, no mixed
 * case, the expected human-readable part, a valid checksum of the variant the version requires,
 * a witness program of 2 to 40 bytes (20 or 32 for version 0) with zero padding of 4 bits or
 * fewer. The normal form is lower case (BIP-173: upper case is the same address, for QR codes).
 */

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;

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
  const data = [...lower.slice(separator + 1)].map((char) => CHARSET.indexOf(char));
  if (data.includes(-1)) return invalid();
  const residue = polymod([...expandHrp(hrp), ...data]);
  if (residue !== BECH32_CONST && residue !== BECH32M_CONST) {
    return { ok: false, reason: 'checksum-mismatch' };
  }
  const values = data.slice(0, -6);
  const version = values[0];
  const program = convertBits(values.slice(1), 5, 8, false);
  if (version === undefined || version > 16 || program === undefined) return invalid();
  if (program.length < 2 || program.length > 40) return invalid();
  if (version === 0 && program.length !== 20 && program.length !== 32) return invalid();
  // BIP-350: version 0 uses bech32, every later version bech32m; the other variant is a typo.
  const expected = version === 0 ? BECH32_CONST : BECH32M_CONST;
  if (residue !== expected) return { ok: false, reason: 'checksum-mismatch' };
  return { ok: true, address: lower };
}

/** Encodes a witness program as a segwit address (bech32 for version 0, else bech32m). */
export function encodeSegwitAddress(hrp: string, version: number, program: Uint8Array): string {
  const data = [version, ...(convertBits([...program], 8, 5, true) ?? [])];
  const constant = version === 0 ? BECH32_CONST : BECH32M_CONST;
  const residue = polymod([...expandHrp(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ constant;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (residue >> (5 * (5 - i))) & 31);
  return `${hrp}1${[...data, ...checksum].map((value) => CHARSET[value]).join('')}`;
}

function invalid(): SegwitResult {
  return { ok: false, reason: 'invalid-address' };
}

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = (((checksum & 0x1ffffff) << 5) ^ value) >>> 0;
    GENERATORS.forEach((generator, i) => {
      if (((top >>> i) & 1) === 1) checksum = (checksum ^ generator) >>> 0;
    });
  }
  return checksum;
}

function expandHrp(hrp: string): number[] {
  const codes = [...hrp].map((char) => char.charCodeAt(0));
  return [...codes.map((code) => code >> 5), 0, ...codes.map((code) => code & 31)];
}

/** Regroups `from`-bit values into `to`-bit values; undefined on bad padding when `pad` is off. */
function convertBits(
  values: readonly number[],
  from: number,
  to: number,
  pad: boolean,
): number[] | undefined {
  let accumulator = 0;
  let bits = 0;
  const out: number[] = [];
  const max = (1 << to) - 1;
  for (const value of values) {
    accumulator = ((accumulator << from) | value) & 0xffffff;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((accumulator >> bits) & max);
    }
  }
  if (pad && bits > 0) out.push((accumulator << (to - bits)) & max);
  if (!pad && (bits >= from || ((accumulator << (to - bits)) & max) !== 0)) return undefined;
  return out;
}
