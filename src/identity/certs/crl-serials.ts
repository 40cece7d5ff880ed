import { normalizeSerialNumber } from './serial-number';
import { x509 } from './x509-library';

/**
 * The serial numbers a PEM CRL (one or several concatenated blocks) lists as revoked, normalised
 * as `normalizeSerialNumber` does (lower-case hex, no leading zero octets), so they compare with
 * a peer certificate's `serialNumber`. The CRL's signature is not checked here: Node's TLS does
 * that at every handshake; this list only cuts calls on connections opened before a revocation.
 * @throws Error when the text holds no readable CRL
 */
export function revokedSerials(crlPem: string | Buffer): Set<string> {
  const blocks = x509.PemConverter.decode(crlPem.toString());
  if (blocks.length === 0) throw new Error('no CRL in the file');
  const serials = new Set<string>();
  for (const der of blocks) {
    for (const entry of new x509.X509Crl(der).entries)
      serials.add(normalizeSerialNumber(entry.serialNumber));
  }
  return serials;
}
