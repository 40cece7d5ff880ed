import { webcrypto } from 'node:crypto';
import { IntelrouteError } from '../../core/errors';
import { x509 } from './x509-library';

/** Every key intelroute's tooling makes: ECDSA on P-256, signing with SHA-256. */
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/**
 * A fresh P-256 key pair. The private key is extractable because it is written to a file
 * (PKCS#8 PEM) for Node's TLS stack, which cannot use a WebCrypto key.
 */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** The private key as PEM "PRIVATE KEY" (PKCS#8), the form Node's `tls` `key` option reads. */
export async function privateKeyToPem(privateKey: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', privateKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/**
 * Reads a PKCS#8 PEM P-256 private key for signing.
 * @throws IntelrouteError CERTIFICATE_TOOLING_FAILED when it is not one (the text is not echoed)
 */
export async function privateKeyFromPem(pem: string, source: string): Promise<CryptoKey> {
  try {
    const [der] = x509.PemConverter.decode(pem);
    if (der === undefined) throw new TypeError('no PEM block');
    return await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
  } catch (error) {
    throw new IntelrouteError(
      'CERTIFICATE_TOOLING_FAILED',
      `${source} is not a PEM PKCS#8 ECDSA P-256 private key`,
      { cause: error, details: { file: source } },
    );
  }
}

/**
 * True when `privateKey` is the private half of `certificate`'s public key: compares the EC
 * point (x, y) of both, since WebCrypto cannot derive a public key from a private one otherwise.
 */
export async function keyMatchesCertificate(
  privateKey: CryptoKey,
  certificate: x509.X509Certificate,
): Promise<boolean> {
  const privateJwk = await webcrypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await certificate.publicKey.export(KEY_ALGORITHM, ['verify']);
  const publicJwk = await webcrypto.subtle.exportKey('jwk', publicKey as CryptoKey);
  return privateJwk.x === publicJwk.x && privateJwk.y === publicJwk.y;
}
