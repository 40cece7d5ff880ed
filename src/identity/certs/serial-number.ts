import { randomBytes } from 'node:crypto';
import { IntelrouteError } from '../../core/errors';

/** Serial numbers are 16 random bytes (RFC 5280 allows up to 20; CAs use at least 8). */
const SERIAL_BYTES = 16;

/**
 * A random 16-byte serial as lower-case hex. The top bit is cleared so the DER INTEGER is
 * positive, and the next one set so it is always 16 bytes long with no leading zero octet
 * (a leading zero would be a non-minimal encoding some parsers refuse).
 */
export function randomSerialNumber(): string {
  const bytes = randomBytes(SERIAL_BYTES);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/**
 * The canonical form of a serial typed by a person or printed by a tool: lower-case hex, whole
 * bytes, no leading zero octets (so no DER sign octet either), as @peculiar/x509's
 * `serialNumber` prints it; x509 adds the sign octet back when it encodes a CRL entry. Accepts
 * upper or lower case, an optional `0x`, and `:` between bytes (openssl's and Node's forms).
 * @throws IntelrouteError CERTIFICATE_INPUT_INVALID when it is not a hex number of 1-20 bytes
 */
export function normalizeSerialNumber(text: string): string {
  const digits = text.trim().replace(/^0x/i, '').replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(digits)) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `serial number ${JSON.stringify(text.slice(0, 80))} is not hexadecimal`,
      { details: { reason: 'SERIAL_NOT_HEX' } },
    );
  }
  let hex = digits.replace(/^0+/, '') || '0';
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // RFC 5280's limit is 20 octets.
  if (hex.length > 40) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `serial number has ${hex.length / 2} bytes, at most 20 are allowed`,
      { details: { reason: 'SERIAL_TOO_LONG' } },
    );
  }
  return hex;
}
