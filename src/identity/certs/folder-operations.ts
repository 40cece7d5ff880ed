import { IntelrouteError } from '../../core/errors';
import { parseIdentityUrn } from '../parse-identity-urn';
import {
  createCertificateAuthority,
  loadCertificateAuthority,
  writeCertificateAuthority,
  type CreateCertificateAuthorityOptions,
} from './certificate-authority';
import {
  PUBLIC_FILE_MODE,
  SECRET_FILE_MODE,
  certFolderPaths,
  clientFileName,
  clientFilePaths,
  fileExists,
  readTextFile,
  writeFileAtomic,
  type CertFolderPaths,
} from './cert-folder';
import {
  issueClientCertificate,
  issueServerCertificate,
  type IssuedCertificate,
} from './issue-certificates';
import { writeRevocationState } from './revocation';
import type { ValidityOptions } from './validity';
import { x509 } from './x509-library';

/** Options of initCertFolder. */
export interface InitCertFolderOptions {
  readonly dir: string;
  /** Extra server hosts (DNS names or IPs) besides localhost, 127.0.0.1 and ::1. */
  readonly hosts?: readonly string[];
  /** Replace an existing CA (and reset revoked.json and crl.pem, which belonged to it). */
  readonly force?: boolean;
  readonly authority?: CreateCertificateAuthorityOptions;
}

/** What initCertFolder wrote. */
export interface InitCertFolderResult {
  readonly paths: CertFolderPaths;
  readonly caSerialNumber: string;
  readonly serverSerialNumber: string;
  /** Every file written, in the order written. */
  readonly written: readonly string[];
}

/**
 * Creates a folder's CA, server certificate, empty revoked.json and CRL. Everything is generated
 * (and hosts validated) before the first write, so bad input leaves the folder untouched.
 * @throws IntelrouteError CERTIFICATE_AUTHORITY_EXISTS when the folder has a CA and `force` is
 *   not set; CERTIFICATE_INPUT_INVALID for a bad host; CERTIFICATE_TOOLING_FAILED
 */
export async function initCertFolder(
  options: InitCertFolderOptions,
): Promise<InitCertFolderResult> {
  const paths = certFolderPaths(options.dir);
  const authority = await createCertificateAuthority(options.authority);
  const server = await issueServerCertificate(authority, { hosts: options.hosts ?? [] });
  await writeCertificateAuthority(paths, authority, { force: options.force ?? false });
  await writeKeyAndCertificate(server, {
    privateKey: paths.serverPrivateKey,
    certificate: paths.serverCertificate,
  });
  await writeRevocationState(paths, authority);
  return {
    paths,
    caSerialNumber: authority.certificate.serialNumber,
    serverSerialNumber: server.serialNumber,
    written: [
      paths.caPrivateKey,
      paths.caCertificate,
      paths.serverPrivateKey,
      paths.serverCertificate,
      paths.revocationList,
      paths.crl,
    ],
  };
}

/** Options of issueClientCertificateFiles. */
export interface IssueClientFilesOptions extends ValidityOptions {
  readonly dir: string;
  readonly urn: string;
  /** File name without extension; defaults to the URN's parts joined by dots. */
  readonly outName?: string;
  /** Replace the files of an earlier certificate with the same name. */
  readonly force?: boolean;
}

/** What issueClientCertificateFiles wrote. */
export interface IssueClientFilesResult {
  readonly certificatePath: string;
  readonly privateKeyPath: string;
  readonly serialNumber: string;
  readonly notAfter: Date;
  /**
   * Serial of the certificate whose files were replaced (with `force`), `'unknown'` when that
   * file was unreadable, null when nothing was replaced. The old certificate stays valid until
   * it expires unless revoked, so the caller should say so.
   */
  readonly replacedSerialNumber: string | null;
}

/**
 * Issues a client certificate for `urn` from the folder's CA into clients/<name>.crt|.key.
 * @throws IntelrouteError IDENTITY_INVALID for a bad URN (checked before anything else);
 *   CERTIFICATE_INPUT_INVALID for a bad name or validity, or existing files without `force`;
 *   CERTIFICATE_TOOLING_FAILED for a missing or broken CA
 */
export async function issueClientCertificateFiles(
  options: IssueClientFilesOptions,
): Promise<IssueClientFilesResult> {
  const { urn } = parseIdentityUrn(options.urn);
  const paths = certFolderPaths(options.dir);
  const files = clientFilePaths(paths, clientFileName(urn, options.outName));
  const replacedSerialNumber = await existingSerialNumber(files.certificate);
  if (!options.force && (replacedSerialNumber !== null || (await fileExists(files.privateKey)))) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `${files.certificate} already exists: choose another --out-name, or --force to replace it`,
      { details: { reason: 'CLIENT_FILES_EXIST', file: files.certificate } },
    );
  }
  const authority = await loadCertificateAuthority(paths);
  const issued = await issueClientCertificate(authority, { ...options, urn });
  await writeKeyAndCertificate(issued, files);
  return {
    certificatePath: files.certificate,
    privateKeyPath: files.privateKey,
    serialNumber: issued.serialNumber,
    notAfter: issued.notAfter,
    replacedSerialNumber,
  };
}

/** Key first: a certificate on disk always has its key next to it. */
async function writeKeyAndCertificate(
  issued: IssuedCertificate,
  files: { privateKey: string; certificate: string },
): Promise<void> {
  await writeFileAtomic(files.privateKey, issued.privateKeyPem, SECRET_FILE_MODE);
  await writeFileAtomic(files.certificate, issued.certificatePem, PUBLIC_FILE_MODE);
}

async function existingSerialNumber(file: string): Promise<string | null> {
  if (!(await fileExists(file))) return null;
  try {
    return new x509.X509Certificate(await readTextFile(file)).serialNumber;
  } catch {
    // An unreadable leftover is still "existing": report it without a serial.
    return 'unknown';
  }
}
