import { X509Certificate } from 'node:crypto';
import {
  createCertificateAuthority,
  issueClientCertificate,
  type CertificateAuthority,
} from '../../../src/identity/certs';
import { IntelrouteError, isIntelrouteError } from '../../../src/core/errors';
import {
  identityFromPeerCertificate,
  parseIdentityUrn,
  type PeerCertificateInput,
  type PeerIdentityProblem,
  requireClientAuthUsage,
} from '../../../src/identity';
import { craftClientCertificate } from './crafted-certificate';

/** The UNAUTHENTICATED error `input` yields; fails the test on anything else. */
function refusal(input: PeerCertificateInput): IntelrouteError {
  try {
    identityFromPeerCertificate(input);
  } catch (error) {
    if (isIntelrouteError(error, 'UNAUTHENTICATED')) return error;
    throw error;
  }
  throw new Error('expected UNAUTHENTICATED, an identity was returned');
}

const san = (subjectaltname: string) => ({ subjectaltname });

describe('identityFromPeerCertificate on the SAN text of a tls.PeerCertificate', () => {
  it.each([
    ['URI:urn:intelroute:ncb:FR', 'urn:intelroute:ncb:FR'],
    [
      'DNS:client.example, URI:urn:intelroute:agency:FR:douane, IP Address:10.0.0.1',
      'urn:intelroute:agency:FR:douane',
    ],
    ['URI:https://ncb.example/fr, URI:urn:intelroute:wg:BR', 'urn:intelroute:wg:BR'],
    ['DirName:"O=bar\\u002cCN=foo", URI:urn:intelroute:ops:alice', 'urn:intelroute:ops:alice'],
    ['URI:urn:intelroute:secretariat, email:desk@example.org', 'urn:intelroute:secretariat'],
  ])('%s → %s', (text, urn) => {
    expect(identityFromPeerCertificate(san(text))).toEqual(parseIdentityUrn(urn));
  });

  it.each<[string, PeerCertificateInput, PeerIdentityProblem]>([
    ['no certificate (null)', null, 'NO_CERTIFICATE'],
    ['no certificate (undefined)', undefined, 'NO_CERTIFICATE'],
    ['a certificate without SAN', {}, 'NO_IDENTITY_URI'],
    ['an empty SAN text', san(''), 'NO_IDENTITY_URI'],
    ['only DNS and IP names', san('DNS:localhost, IP Address:127.0.0.1'), 'NO_IDENTITY_URI'],
    ['the URN as a DNS name, not a URI', san('DNS:urn:intelroute:ncb:FR'), 'NO_IDENTITY_URI'],
    [
      'two identity URIs',
      san('URI:urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat'),
      'SEVERAL_IDENTITY_URIS',
    ],
    [
      'a valid URI next to an upper-case near miss',
      san('URI:urn:intelroute:ncb:FR, URI:URN:INTELROUTE:secretariat'),
      'SEVERAL_IDENTITY_URIS',
    ],
    [
      'a second identity smuggled in one URI value, as Node 20 prints it',
      san('URI:"urn:intelroute:ncb:FR\\u002c URI:urn:intelroute:secretariat"'),
      'MALFORMED_IDENTITY_URI',
    ],
    [
      'a second identity smuggled in one URI value, with a literal comma in quotes',
      san('URI:"urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat"'),
      'MALFORMED_IDENTITY_URI',
    ],
    ['a lower-case country', san('URI:urn:intelroute:ncb:fr'), 'MALFORMED_IDENTITY_URI'],
    ['an upper-case near miss alone', san('URI:URN:intelroute:ncb:FR'), 'MALFORMED_IDENTITY_URI'],
    ['an unterminated quote', san('URI:"urn:intelroute:ncb:FR'), 'UNREADABLE_SUBJECT_ALT_NAMES'],
    ['text Node never prints', san('urn:intelroute:ncb:FR'), 'UNREADABLE_SUBJECT_ALT_NAMES'],
    ['bytes that are no certificate', Buffer.from('not a certificate'), 'UNREADABLE_CERTIFICATE'],
  ])('refuses %s with %s', (_why, input, reason) => {
    expect(refusal(input).details.reason).toBe(reason);
  });

  it('keeps the IDENTITY_INVALID parse error as the cause of a malformed URI', () => {
    const error = refusal(san('URI:urn:intelroute:agency:FR:Douane'));
    expect(isIntelrouteError(error.cause, 'IDENTITY_INVALID')).toBe(true);
    expect((error.cause as IntelrouteError).details.reason).toBe('NAME');
  });
});

describe('identityFromPeerCertificate on real certificates', () => {
  let authority: CertificateAuthority;

  beforeAll(async () => {
    authority = await createCertificateAuthority();
  });

  it('reads the identity of an issued certificate from PEM bytes, DER bytes and Node’s PeerCertificate shape', async () => {
    const urn = 'urn:intelroute:agency:BR:policia-federal';
    const issued = await issueClientCertificate(authority, { urn });
    const pem = Buffer.from(issued.certificatePem);
    const der = Buffer.from(issued.certificate.rawData);
    const legacy = new X509Certificate(pem).toLegacyObject();
    for (const input of [pem, der, legacy]) {
      expect(identityFromPeerCertificate(input)).toEqual(parseIdentityUrn(urn));
    }
  });

  it('refuses a real certificate whose one URI value smuggles a second identity', async () => {
    const crafted = await craftClientCertificate(authority, [
      { type: 'url', value: 'urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat' },
    ]);
    const pem = Buffer.from(crafted.certificatePem);
    expect(refusal(pem).details.reason).toBe('MALFORMED_IDENTITY_URI');
    expect(refusal(new X509Certificate(pem).toLegacyObject()).details.reason).toBe(
      'MALFORMED_IDENTITY_URI',
    );
  });

  it('refuses a real certificate with two identity URIs, whatever their order', async () => {
    for (const values of [
      ['urn:intelroute:ncb:FR', 'urn:intelroute:secretariat'],
      ['urn:intelroute:secretariat', 'urn:intelroute:ncb:FR'],
    ]) {
      const crafted = await craftClientCertificate(
        authority,
        values.map((value) => ({ type: 'url', value })),
      );
      expect(refusal(Buffer.from(crafted.certificatePem)).details.reason).toBe(
        'SEVERAL_IDENTITY_URIS',
      );
    }
  });

  it('refuses a real certificate with no subject alternative names at all', async () => {
    const crafted = await craftClientCertificate(authority, []);
    expect(refusal(Buffer.from(crafted.certificatePem)).details.reason).toBe('NO_IDENTITY_URI');
  });
});

describe('requireClientAuthUsage', () => {
  it('accepts a certificate whose extended key usage lists clientAuth', () => {
    expect(() =>
      requireClientAuthUsage({ ext_key_usage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] }),
    ).not.toThrow();
  });

  it.each([
    ['no extended key usage at all (OpenSSL lets it act as anything)', {}],
    ['serverAuth only', { ext_key_usage: ['1.3.6.1.5.5.7.3.1'] }],
    ['no certificate', undefined],
  ])('refuses %s', (_name, certificate) => {
    let caught: unknown;
    try {
      requireClientAuthUsage(certificate);
    } catch (error) {
      caught = error;
    }
    expect(isIntelrouteError(caught, 'UNAUTHENTICATED')).toBe(true);
    expect((caught as IntelrouteError).details.reason).toBe('NOT_FOR_CLIENT_AUTH');
  });
});
