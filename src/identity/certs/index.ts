/**
 * Certificate tooling for intelroute's mutual TLS: a local CA, the gateway's server certificate,
 * one client certificate per identity (SAN URI = identity URN), and revocation through a CRL.
 * Pure @peculiar/x509 over Node's WebCrypto (ECDSA P-256, SHA-256); no openssl.
 *
 * A certificate folder (`intelroute certs init|issue|revoke --dir D`) holds:
 *
 * | file                    | what                                                   | mode |
 * |-------------------------|--------------------------------------------------------|------|
 * | `ca.crt`                | the CA certificate (PEM): the gateway's and clients' trust root | 0644 |
 * | `ca.key`                | the CA private key (PEM PKCS#8): keep offline in production | 0600 |
 * | `server.crt`            | gateway certificate: SAN DNS localhost, IP 127.0.0.1, ::1 + `--hosts` | 0644 |
 * | `server.key`            | its private key (PEM PKCS#8)                            | 0600 |
 * | `clients/<name>.crt`    | a client certificate; `<name>` is the URN without `urn:intelroute:`, colons as dots (`ncb.FR`, `agency.FR.douane`) or `--out-name` | 0644 |
 * | `clients/<name>.key`    | its private key (PEM PKCS#8)                            | 0600 |
 * | `revoked.json`          | revoked serials (source of truth for the CRL)           | 0644 |
 * | `crl.pem`               | CRL signed by the CA, regenerated on every revocation   | 0644 |
 *
 * Folders created by the tooling are 0700. Files are written atomically (temporary file, then
 * rename). Private keys are never logged or printed.
 *
 * The gateway serves with `new MtlsServerCredentials({ caPem, certificateChainPem,
 * privateKeyPem, crlPem })` and reads each call's identity with
 * `identityFromPeerCertificate(call.getAuthContext()?.sslPeerCertificate)` (src/identity).
 */
export {
  CA_VALIDITY_DAYS,
  createCertificateAuthority,
  loadCertificateAuthority,
  writeCertificateAuthority,
  type CertificateAuthority,
  type CreateCertificateAuthorityOptions,
} from './certificate-authority';
export {
  certFolderPaths,
  clientFileName,
  clientFilePaths,
  type CertFolderPaths,
} from './cert-folder';
export {
  initCertFolder,
  issueClientCertificateFiles,
  type InitCertFolderOptions,
  type InitCertFolderResult,
  type IssueClientFilesOptions,
  type IssueClientFilesResult,
} from './folder-operations';
export {
  DEFAULT_SERVER_HOSTS,
  LEAF_VALIDITY_DAYS,
  issueClientCertificate,
  issueServerCertificate,
  type IssueClientCertificateOptions,
  type IssueServerCertificateOptions,
  type IssuedCertificate,
} from './issue-certificates';
export {
  MtlsServerCredentials,
  type MtlsServerCredentialsOptions,
} from './mtls-server-credentials';
export {
  REVOCATION_REASONS,
  createCrl,
  crlToPem,
  readRevocationList,
  revokeCertificate,
  writeRevocationState,
  type RevocationList,
  type RevocationReason,
  type RevocationResult,
  type RevocationTarget,
  type RevokedCertificate,
} from './revocation';
export { normalizeSerialNumber, randomSerialNumber } from './serial-number';
export { CLOCK_SKEW_MS, type ValidityOptions } from './validity';
export { revokedSerials } from './crl-serials';
