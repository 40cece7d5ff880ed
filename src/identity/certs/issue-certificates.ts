import { isIP } from 'node:net';
import { IntelrouteError } from '../../core/errors';
import { parseIdentityUrn } from '../parse-identity-urn';
import { authorityKeyIdentifier, type CertificateAuthority } from './certificate-authority';
import { SIGNING_ALGORITHM, generateKeyPair, privateKeyToPem, type CryptoKeyPair } from './keys';
import { randomSerialNumber } from './serial-number';
import { resolveValidity, type ValidityOptions } from './validity';
import { x509 } from './x509-library';

/** A certificate just issued, with its new private key. */
export interface IssuedCertificate {
  readonly certificate: x509.X509Certificate;
  readonly certificatePem: string;
  /** PKCS#8 PEM; never log it. */
  readonly privateKeyPem: string;
  /** Lower-case hex, as normalizeSerialNumber writes it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Default lifetime of server and client certificates: 397 days, the CA/Browser Forum limit. */
export const LEAF_VALIDITY_DAYS = 397;

/** Hosts every server certificate names, so local clients can connect however they address it. */
export const DEFAULT_SERVER_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Options of issueServerCertificate. */
export interface IssueServerCertificateOptions extends ValidityOptions {
  /** DNS names or IP addresses added to localhost, 127.0.0.1 and ::1. */
  readonly hosts?: readonly string[];
}

/** Options of issueClientCertificate. */
export interface IssueClientCertificateOptions extends ValidityOptions {
  /** The identity URN, checked with parseIdentityUrn. */
  readonly urn: string;
}

/** RFC 1123 host names (letters, digits, hyphens; dot-separated labels), no wildcards. */
const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * A TLS server certificate signed by `authority`: SAN DNS localhost, IP 127.0.0.1 and ::1 plus
 * `hosts` (IP literals become IP SANs, the rest DNS SANs), EKU serverAuth, keyUsage
 * digitalSignature, CA:false; 397 days unless told otherwise.
 * @throws IntelrouteError CERTIFICATE_INPUT_INVALID for a host that is neither an IP address
 *   nor a DNS name, or bad validity options
 */
export async function issueServerCertificate(
  authority: CertificateAuthority,
  options: IssueServerCertificateOptions = {},
): Promise<IssuedCertificate> {
  const hosts = [...new Set([...DEFAULT_SERVER_HOSTS, ...(options.hosts ?? [])])];
  const names = hosts.map(hostToGeneralName);
  return issueLeaf(authority, options, {
    commonName: 'intelroute gateway',
    subjectAltNames: names,
    extendedKeyUsage: x509.ExtendedKeyUsage.serverAuth,
  });
}

/**
 * A TLS client certificate for an identity, signed by `authority`: SAN URI and subject CN both
 * the URN (identityFromPeerCertificate reads the SAN only), EKU clientAuth, keyUsage
 * digitalSignature, CA:false; 397 days unless told otherwise.
 * @throws IntelrouteError IDENTITY_INVALID for a URN parseIdentityUrn refuses;
 *   CERTIFICATE_INPUT_INVALID for bad validity options
 */
export async function issueClientCertificate(
  authority: CertificateAuthority,
  options: IssueClientCertificateOptions,
): Promise<IssuedCertificate> {
  const { urn } = parseIdentityUrn(options.urn);
  return issueLeaf(authority, options, {
    commonName: urn,
    subjectAltNames: [{ type: 'url', value: urn }],
    extendedKeyUsage: x509.ExtendedKeyUsage.clientAuth,
  });
}

interface LeafProfile {
  readonly commonName: string;
  readonly subjectAltNames: x509.JsonGeneralNames;
  readonly extendedKeyUsage: x509.ExtendedKeyUsage;
}

async function issueLeaf(
  authority: CertificateAuthority,
  validity: ValidityOptions,
  profile: LeafProfile,
): Promise<IssuedCertificate> {
  const { notBefore, notAfter } = resolveValidity(validity, LEAF_VALIDITY_DAYS);
  const keys: CryptoKeyPair = await generateKeyPair();
  const serialNumber = randomSerialNumber();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: [{ CN: [profile.commonName] }],
    issuer: authority.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: authority.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([profile.extendedKeyUsage], false),
      new x509.SubjectAlternativeNameExtension(profile.subjectAltNames, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await authorityKeyIdentifier(authority),
    ],
  });
  return {
    certificate,
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await privateKeyToPem(keys.privateKey),
    serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

function hostToGeneralName(host: string): x509.JsonGeneralName {
  if (isIP(host) !== 0) return { type: 'ip', value: host };
  if (DNS_NAME.test(host)) return { type: 'dns', value: host.toLowerCase() };
  throw new IntelrouteError(
    'CERTIFICATE_INPUT_INVALID',
    `host ${JSON.stringify(host.slice(0, 80))} is neither an IP address nor a DNS name`,
    { details: { reason: 'HOST' } },
  );
}
