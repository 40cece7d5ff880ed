import { IntelrouteError } from '../../core/errors';
import {
  authorityKeyIdentifier,
  loadCertificateAuthority,
  type CertificateAuthority,
} from './certificate-authority';
import {
  PUBLIC_FILE_MODE,
  fileExists,
  readTextFile,
  toolingFailed,
  writeFileAtomic,
  type CertFolderPaths,
} from './cert-folder';
import { SIGNING_ALGORITHM } from './keys';
import { normalizeSerialNumber } from './serial-number';
import { CLOCK_SKEW_MS } from './validity';
import { x509 } from './x509-library';

/** One revoked certificate, as kept in revoked.json. */
export interface RevokedCertificate {
  /** Canonical lower-case hex (normalizeSerialNumber). */
  readonly serialNumber: string;
  /** ISO 8601 instant. */
  readonly revokedAt: string;
  /** Why, when known (absent means unspecified, as RFC 5280 prefers). */
  readonly reason?: RevocationReason;
  /** The subject of the certificate when it was revoked by file (`--cert`), for people. */
  readonly subject?: string;
}

/** The RFC 5280 reason codes that make sense for intelroute's end-entity certificates. */
export const REVOCATION_REASONS = [
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;

export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/**
 * revoked.json: the source of truth crl.pem is generated from. `crlNumber` is the number of
 * the last CRL written (RFC 5280's monotonically increasing cRLNumber).
 */
export interface RevocationList {
  readonly version: 1;
  readonly crlNumber: number;
  readonly revoked: readonly RevokedCertificate[];
}

/** What to revoke: a serial number (any hex form) or the certificate itself (PEM or DER). */
export type RevocationTarget =
  { readonly serialNumber: string } | { readonly certificate: string | Buffer };

/** What revokeCertificate did. */
export interface RevocationResult {
  readonly entry: RevokedCertificate;
  /** True when the serial was already in revoked.json (its first revocation date is kept). */
  readonly alreadyRevoked: boolean;
  readonly crlNumber: number;
}

const EMPTY_LIST: RevocationList = { version: 1, crlNumber: 0, revoked: [] };

/**
 * Revokes a certificate of the folder's CA: adds it to revoked.json (idempotent) and writes a
 * new crl.pem signed by the CA with every revoked serial. revoked.json is written first, so a
 * failure in between is repaired by revoking again. A certificate given as such is checked to
 * be signed by the CA; a bare serial cannot be checked and is listed as given.
 * @throws IntelrouteError CERTIFICATE_INPUT_INVALID for a bad serial, an unreadable certificate
 *   or one another CA issued; CERTIFICATE_TOOLING_FAILED for folder or CA trouble
 */
export async function revokeCertificate(
  paths: CertFolderPaths,
  target: RevocationTarget,
  options: { now?: Date; reason?: RevocationReason } = {},
): Promise<RevocationResult> {
  const authority = await loadCertificateAuthority(paths);
  const now = options.now ?? new Date();
  const identified =
    'serialNumber' in target
      ? { serialNumber: normalizeSerialNumber(target.serialNumber) }
      : await identifyCertificate(authority, target.certificate);
  const list = await readRevocationList(paths);
  const existing = list.revoked.find((entry) => entry.serialNumber === identified.serialNumber);
  const entry: RevokedCertificate = existing ?? {
    ...identified,
    revokedAt: now.toISOString(),
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
  const next: RevocationList = {
    version: 1,
    crlNumber: list.crlNumber + 1,
    revoked: existing ? list.revoked : [...list.revoked, entry],
  };
  await writeRevocationState(paths, authority, next, now);
  return { entry, alreadyRevoked: existing !== undefined, crlNumber: next.crlNumber };
}

/**
 * Writes revoked.json and a crl.pem generated from it (used by `certs init` with an empty list,
 * so a gateway can always be given a CRL).
 * @throws IntelrouteError CERTIFICATE_TOOLING_FAILED
 */
export async function writeRevocationState(
  paths: CertFolderPaths,
  authority: CertificateAuthority,
  list: RevocationList = { ...EMPTY_LIST, crlNumber: 1 },
  now: Date = new Date(),
): Promise<void> {
  await writeFileAtomic(
    paths.revocationList,
    `${JSON.stringify(list, null, 2)}\n`,
    PUBLIC_FILE_MODE,
  );
  const crl = await createCrl(authority, list, {
    thisUpdate: new Date(now.getTime() - CLOCK_SKEW_MS),
  });
  await writeFileAtomic(paths.crl, crlToPem(crl), PUBLIC_FILE_MODE);
}

/**
 * A CRL (v2) signed by `authority` listing every serial of `list`, with the CA's authority key
 * identifier and `list.crlNumber` as cRLNumber. OpenSSL refuses every client while the CRL is
 * outside thisUpdate..nextUpdate ("CRL is not yet valid" / "CRL has expired"), so thisUpdate
 * defaults to CLOCK_SKEW_MS ago (a gateway whose clock lags the CA host's still accepts it) and
 * nextUpdate to the CA's own expiry: this CRL is a local file handed to the gateway, not
 * fetched by relying parties, so a short life would only add outages.
 */
export async function createCrl(
  authority: CertificateAuthority,
  list: RevocationList,
  options: { thisUpdate?: Date; nextUpdate?: Date } = {},
): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create({
    issuer: authority.certificate.subjectName,
    thisUpdate: options.thisUpdate ?? new Date(Date.now() - CLOCK_SKEW_MS),
    nextUpdate: options.nextUpdate ?? authority.certificate.notAfter,
    signingKey: authority.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      await authorityKeyIdentifier(authority),
      new x509.Extension(CRL_NUMBER_OID, false, derInteger(list.crlNumber)),
    ],
    entries: list.revoked.map((entry) => ({
      serialNumber: entry.serialNumber,
      revocationDate: new Date(entry.revokedAt),
      // x509 writes an empty crlEntryExtensions SEQUENCE when an entry has none, which RFC 5280
      // forbids (SIZE 1..MAX); an invalidity date (the revocation date) always gives it one.
      invalidity: new Date(entry.revokedAt),
      ...(entry.reason === undefined ? {} : { reason: x509.X509CrlReason[entry.reason] }),
    })),
  });
}

/**
 * PEM with the "X509 CRL" label OpenSSL (and so Node's `tls` `crl` option) requires: x509's
 * own `toString('pem')` writes "CRL", which Node refuses ("Failed to parse CRL").
 */
export function crlToPem(crl: x509.X509Crl): string {
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

/**
 * The folder's revoked.json, or an empty list when there is none yet.
 * @throws IntelrouteError CERTIFICATE_TOOLING_FAILED when it is unreadable or malformed
 */
export async function readRevocationList(paths: CertFolderPaths): Promise<RevocationList> {
  if (!(await fileExists(paths.revocationList))) return EMPTY_LIST;
  const text = await readTextFile(paths.revocationList);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw toolingFailed(`${paths.revocationList} is not JSON`, error, paths.revocationList);
  }
  if (!isRevocationList(parsed)) {
    throw toolingFailed(
      `${paths.revocationList} is not a revocation list ({ version: 1, crlNumber, revoked: [{ serialNumber, revokedAt }] })`,
      undefined,
      paths.revocationList,
    );
  }
  return parsed;
}

/** The serial of a certificate `authority` signed (checked by signature, not by name). */
async function identifyCertificate(
  authority: CertificateAuthority,
  input: string | Buffer,
): Promise<{ serialNumber: string; subject: string }> {
  let certificate: x509.X509Certificate;
  try {
    // x509 reads PEM from a string only; a Buffer is taken as DER.
    const raw =
      Buffer.isBuffer(input) && input.includes('-----BEGIN') ? input.toString('utf8') : input;
    certificate = new x509.X509Certificate(raw);
  } catch (error) {
    throw new IntelrouteError('CERTIFICATE_INPUT_INVALID', 'not a PEM or DER certificate', {
      cause: error,
      details: { reason: 'CERTIFICATE_UNREADABLE' },
    });
  }
  const signedByAuthority = await certificate
    .verify({ publicKey: authority.certificate.publicKey, signatureOnly: true })
    .catch(() => false);
  if (!signedByAuthority) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `the certificate of ${certificate.subject} was not issued by this folder's CA`,
      { details: { reason: 'NOT_ISSUED_BY_CA' } },
    );
  }
  return {
    serialNumber: normalizeSerialNumber(certificate.serialNumber),
    subject: certificate.subject,
  };
}

const CRL_NUMBER_OID = '2.5.29.20';

/** DER INTEGER of a non-negative safe integer (the cRLNumber extension's value). */
function derInteger(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let rest = value; bytes.length === 0 || rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  // A set top bit would read as negative: prefix the sign octet.
  if ((bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return Uint8Array.from([0x02, bytes.length, ...bytes]);
}

function isRevocationList(value: unknown): value is RevocationList {
  if (typeof value !== 'object' || value === null) return false;
  const list = value as Partial<Record<keyof RevocationList, unknown>>;
  return (
    list.version === 1 &&
    Number.isSafeInteger(list.crlNumber) &&
    (list.crlNumber as number) >= 0 &&
    Array.isArray(list.revoked) &&
    list.revoked.every(isRevokedCertificate)
  );
}

function isRevokedCertificate(value: unknown): value is RevokedCertificate {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<Record<keyof RevokedCertificate, unknown>>;
  return (
    typeof entry.serialNumber === 'string' &&
    /^(?:[0-9a-f]{2}){1,20}$/.test(entry.serialNumber) &&
    typeof entry.revokedAt === 'string' &&
    !Number.isNaN(Date.parse(entry.revokedAt)) &&
    (entry.reason === undefined ||
      (REVOCATION_REASONS as readonly unknown[]).includes(entry.reason)) &&
    (entry.subject === undefined || typeof entry.subject === 'string')
  );
}
