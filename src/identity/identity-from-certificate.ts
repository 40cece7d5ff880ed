import { X509Certificate } from 'node:crypto';
import { IntelrouteError, isIntelrouteError } from '../core/errors';
import type { Identity } from './identity';
import { parseIdentityUrn } from './parse-identity-urn';
import { parseSubjectAltNames, type SubjectAltName } from './subject-alt-names';

/**
 * What the server sees of a client certificate: Node's `tls.PeerCertificate` (only its
 * `subjectaltname` text is read, e.g. `URI:urn:intelroute:ncb:FR, DNS:x`), or the certificate
 * itself as DER or PEM bytes. `null`/`undefined` stand for "no certificate presented" so the
 * caller can pass `call.getAuthContext()?.sslPeerCertificate` straight through.
 */
export type PeerCertificateInput =
  { readonly subjectaltname?: string | undefined } | Buffer | null | undefined;

/** Why no identity could be derived, in `details.reason` of the UNAUTHENTICATED error. */
export type PeerIdentityProblem =
  | 'NO_CERTIFICATE'
  | 'UNREADABLE_CERTIFICATE'
  | 'UNREADABLE_SUBJECT_ALT_NAMES'
  | 'NO_IDENTITY_URI'
  | 'SEVERAL_IDENTITY_URIS'
  | 'MALFORMED_IDENTITY_URI'
  | 'NOT_FOR_CLIENT_AUTH';

/** id-kp-clientAuth (RFC 5280 §4.2.1.12). */
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * Refuses a certificate not issued for TLS client authentication: its extended key usage must
 * list clientAuth. OpenSSL lets a certificate without the extension act as anything (RFC 5280
 * reads "no EKU" as "any use"), so a server or CA certificate of the same CA would pass the
 * handshake; intelroute's client certificates always carry it.
 * @throws IntelrouteError UNAUTHENTICATED (details.reason NOT_FOR_CLIENT_AUTH)
 */
export function requireClientAuthUsage(
  certificate: { readonly ext_key_usage?: readonly string[] | undefined } | null | undefined,
): void {
  if (certificate?.ext_key_usage?.includes(CLIENT_AUTH) === true) return;
  throw unauthenticated(
    'NOT_FOR_CLIENT_AUTH',
    'the client certificate has no extended key usage clientAuth (1.3.6.1.5.5.7.3.2)',
  );
}

/**
 * A URI SAN is an identity claim when it mentions `urn:intelroute:` anywhere, in any case:
 * counting near-misses (`URN:Intelroute:…`, a leading space) as claims means they make a
 * certificate ambiguous or malformed, never silently ignored next to a valid one.
 */
const IDENTITY_CLAIM = /urn:intelroute:/i;

/**
 * The identity a client certificate proves: its one `urn:intelroute:` URI SAN, parsed strictly
 * (parseIdentityUrn). The subject CN and other SAN types are ignored. Chain, validity and
 * revocation are the TLS handshake's job; call this only for an authorised peer.
 * @throws IntelrouteError UNAUTHENTICATED (details.reason a PeerIdentityProblem, the parse error
 *   as `cause` for a malformed URN) when there is no certificate, its SAN text cannot be read,
 *   it has no intelroute URI, several, or one that is not a valid identity URN
 */
export function identityFromPeerCertificate(certificate: PeerCertificateInput): Identity {
  if (certificate === null || certificate === undefined) {
    throw unauthenticated('NO_CERTIFICATE', 'no client certificate was presented');
  }
  const claims = subjectAltNames(certificate).filter(
    (name) => name.type === 'URI' && IDENTITY_CLAIM.test(name.value),
  );
  const [claim, ...others] = claims;
  if (claim === undefined) {
    throw unauthenticated(
      'NO_IDENTITY_URI',
      'the client certificate has no urn:intelroute: URI subject alternative name',
    );
  }
  if (others.length > 0) {
    throw unauthenticated(
      'SEVERAL_IDENTITY_URIS',
      `the client certificate has ${claims.length} urn:intelroute: URI subject alternative names, exactly one is allowed`,
    );
  }
  try {
    return parseIdentityUrn(claim.value);
  } catch (error) {
    if (!isIntelrouteError(error, 'IDENTITY_INVALID')) throw error;
    throw unauthenticated(
      'MALFORMED_IDENTITY_URI',
      `the client certificate's identity URI is invalid: ${error.message}`,
      error,
    );
  }
}

function subjectAltNames(
  certificate: Exclude<PeerCertificateInput, null | undefined>,
): SubjectAltName[] {
  let text: string | undefined;
  if (Buffer.isBuffer(certificate)) {
    try {
      text = new X509Certificate(certificate).subjectAltName;
    } catch (error) {
      throw unauthenticated(
        'UNREADABLE_CERTIFICATE',
        'the client certificate is not a readable X.509 certificate',
        error,
      );
    }
  } else {
    text = certificate.subjectaltname;
  }
  if (text === undefined || text === '') return [];
  try {
    return parseSubjectAltNames(text);
  } catch (error) {
    throw unauthenticated(
      'UNREADABLE_SUBJECT_ALT_NAMES',
      "the client certificate's subject alternative names could not be read unambiguously",
      error,
    );
  }
}

function unauthenticated(
  reason: PeerIdentityProblem,
  message: string,
  cause?: unknown,
): IntelrouteError {
  return new IntelrouteError('UNAUTHENTICATED', message, { cause, details: { reason } });
}
