import type { CertificateAuthority } from '../../../src/identity/certs';
import {
  SIGNING_ALGORITHM,
  generateKeyPair,
  privateKeyToPem,
} from '../../../src/identity/certs/keys';
import { randomSerialNumber } from '../../../src/identity/certs/serial-number';
import { x509 } from '../../../src/identity/certs/x509-library';

/**
 * A client certificate signed by `authority` with whatever subject alternative names a test
 * needs, including ones `intelroute certs issue` would never write (several URIs, a URI value
 * with a comma): what a careless or compromised registration step might let through.
 */
export async function craftClientCertificate(
  authority: CertificateAuthority,
  subjectAltNames: x509.JsonGeneralNames,
  /** The extended key usages; an empty list leaves the extension out. */
  extendedKeyUsages: readonly x509.ExtendedKeyUsageType[] = [x509.ExtendedKeyUsage.clientAuth],
): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: ['crafted'] }],
    issuer: authority.certificate.subjectName,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: keys.publicKey,
    signingKey: authority.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      ...(extendedKeyUsages.length > 0
        ? [new x509.ExtendedKeyUsageExtension([...extendedKeyUsages])]
        : []),
      ...(subjectAltNames.length > 0
        ? [new x509.SubjectAlternativeNameExtension(subjectAltNames)]
        : []),
    ],
  });
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await privateKeyToPem(keys.privateKey),
  };
}
