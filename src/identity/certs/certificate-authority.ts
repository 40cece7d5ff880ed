import { IntelrouteError } from '../../core/errors';
import {
  PUBLIC_FILE_MODE,
  SECRET_FILE_MODE,
  fileExists,
  readTextFile,
  toolingFailed,
  writeFileAtomic,
  type CertFolderPaths,
} from './cert-folder';
import {
  SIGNING_ALGORITHM,
  generateKeyPair,
  keyMatchesCertificate,
  privateKeyFromPem,
  privateKeyToPem,
  type CryptoKey,
} from './keys';
import { randomSerialNumber } from './serial-number';
import { resolveValidity, type ValidityOptions } from './validity';
import { x509 } from './x509-library';

/** A local certificate authority: its certificate and the key it signs with. */
export interface CertificateAuthority {
  readonly certificate: x509.X509Certificate;
  readonly certificatePem: string;
  readonly privateKey: CryptoKey;
  /** PKCS#8 PEM, kept to write ca.key; never log it. */
  readonly privateKeyPem: string;
}

/** Options of createCertificateAuthority. */
export interface CreateCertificateAuthorityOptions extends ValidityOptions {
  /** Subject CN; default "intelroute local CA". */
  readonly commonName?: string;
}

/** Default CA lifetime: ten years (`validityDays` overrides). */
export const CA_VALIDITY_DAYS = 3650;

/**
 * A new self-signed CA: ECDSA P-256 / SHA-256, basicConstraints CA:true with pathLen 0 (it signs
 * end-entity certificates only), keyUsage keyCertSign + cRLSign, both critical, a subject key
 * identifier, a random 16-byte serial; valid ten years unless told otherwise.
 * @throws IntelrouteError CERTIFICATE_INPUT_INVALID for bad validity options
 */
export async function createCertificateAuthority(
  options: CreateCertificateAuthorityOptions = {},
): Promise<CertificateAuthority> {
  const { notBefore, notAfter } = resolveValidity(options, CA_VALIDITY_DAYS);
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [options.commonName ?? 'intelroute local CA'] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certificate,
    certificatePem: certificate.toString('pem'),
    privateKey: keys.privateKey,
    privateKeyPem: await privateKeyToPem(keys.privateKey),
  };
}

/**
 * Writes ca.key (0600) then ca.crt (0644) into the folder.
 * @throws IntelrouteError CERTIFICATE_AUTHORITY_EXISTS when either file exists and `force` is
 *   not set; CERTIFICATE_TOOLING_FAILED when a write fails
 */
export async function writeCertificateAuthority(
  paths: CertFolderPaths,
  authority: CertificateAuthority,
  options: { force?: boolean } = {},
): Promise<void> {
  if (!options.force) {
    for (const file of [paths.caCertificate, paths.caPrivateKey]) {
      if (await fileExists(file)) {
        throw new IntelrouteError(
          'CERTIFICATE_AUTHORITY_EXISTS',
          `${file} already exists: replacing the CA invalidates every certificate it issued (use --force to do it anyway)`,
          { details: { file } },
        );
      }
    }
  }
  await writeFileAtomic(paths.caPrivateKey, authority.privateKeyPem, SECRET_FILE_MODE);
  await writeFileAtomic(paths.caCertificate, authority.certificatePem, PUBLIC_FILE_MODE);
}

/**
 * The CA of a folder (ca.crt and ca.key), checked to be a CA whose key matches its certificate.
 * @throws IntelrouteError CERTIFICATE_TOOLING_FAILED when a file is missing, unreadable, not
 *   a certificate or key, not a CA, or the key is not the certificate's
 */
export async function loadCertificateAuthority(
  paths: CertFolderPaths,
): Promise<CertificateAuthority> {
  if (!(await fileExists(paths.caCertificate))) {
    throw new IntelrouteError(
      'CERTIFICATE_TOOLING_FAILED',
      `no CA in ${paths.dir} (${paths.caCertificate} does not exist): run "intelroute certs init --dir ${paths.dir}" first`,
      { details: { file: paths.caCertificate, reason: 'MISSING' } },
    );
  }
  const certificatePem = await readTextFile(paths.caCertificate);
  const privateKeyPem = await readTextFile(paths.caPrivateKey);
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(certificatePem);
  } catch (error) {
    throw toolingFailed(
      `${paths.caCertificate} is not a PEM certificate`,
      error,
      paths.caCertificate,
    );
  }
  const basicConstraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (basicConstraints?.ca !== true) {
    throw toolingFailed(
      `${paths.caCertificate} is not a CA certificate`,
      undefined,
      paths.caCertificate,
    );
  }
  const privateKey = await privateKeyFromPem(privateKeyPem, paths.caPrivateKey);
  const matches = await keyMatchesCertificate(privateKey, certificate).catch(() => false);
  if (!matches) {
    throw toolingFailed(
      `${paths.caPrivateKey} is not the private key of ${paths.caCertificate}`,
      undefined,
      paths.caPrivateKey,
    );
  }
  return { certificate, certificatePem, privateKey, privateKeyPem };
}

/**
 * The authorityKeyIdentifier extension for what `authority` signs: its own subject key
 * identifier, so chain builders and CRL matchers pair them without hashing anything.
 */
export async function authorityKeyIdentifier(
  authority: CertificateAuthority,
): Promise<x509.AuthorityKeyIdentifierExtension> {
  const subjectKeyId = authority.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  return subjectKeyId
    ? new x509.AuthorityKeyIdentifierExtension(subjectKeyId.keyId)
    : x509.AuthorityKeyIdentifierExtension.create(authority.certificate.publicKey);
}
