import * as grpc from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  certFolderPaths,
  issueClientCertificateFiles,
  loadCertificateAuthority,
} from '../../src/identity/certs';
import {
  createGatewayClient,
  PublishRefusedError,
  refusalFromCallStatus,
  type GatewayClient,
} from '../../src/client';
import { OriginKind } from '../../src/contract/generated/intelroute/v1/envelope';
import { IntelGatewayClient } from '../../src/contract/generated/intelroute/v1/gateway';
import { validEnvelope } from '../helpers/envelopes';
import { startTestGateway, TestCertificates, type TestGateway } from '../helpers/gateway-harness';
import { testKafkaClient } from '../helpers/kafka';
import { craftClientCertificate } from '../unit/identity/crafted-certificate';
import { ncbEnvelope } from './support/senders';
import { AuditEvent, auditOnceRefused, auditRecords } from './support/trail';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;

/** The extended key usage intelroute's client certificates carry (id-kp-clientAuth). */
const CLIENT_AUTH = ['1.3.6.1.5.5.7.3.2'];

/** Rate limit of this file's gateway: small, so a flood beyond it is cheap to send. */
const RATE = { rateLimitPerSecond: 1, rateLimitBurst: 20 };

/**
 * Mutual TLS at the real gateway (the handshake cases are proved against a bare grpc-js server
 * in test/integration/certs/mtls-handshake.test.ts; here: the gateway's own credentials, its
 * audit trail, and what an unidentified peer can make it do). Revocation with `certs revoke`
 * and SIGHUP is in stream-abuse.test.ts (it needs the CLI process).
 */
describe('mutual TLS at the gateway', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();

  beforeAll(async () => {
    gw = await startTestGateway({ gateway: RATE });
  });
  afterAll(() => gw?.stop());

  /** Publishes with a client built from PEM material; resolves with 'acked' or the code name. */
  async function publishWith(
    tls: { cert: string | Buffer; key: string | Buffer },
    envelope = ncbEnvelope('FR'),
  ): Promise<string> {
    const client = createGatewayClient({
      address: gw.address,
      tls: { caFile: path.join(gw.certs.dir, 'ca.crt'), ...tls, serverName: 'localhost' },
      retry: false,
    });
    try {
      await client.publish(envelope, { deadlineMs: 10_000 });
      return 'acked';
    } catch (error) {
      return (error as PublishRefusedError).refusal.codeName;
    } finally {
      client.close();
    }
  }

  const filesOf = (files: { certificatePath: string; privateKeyPath: string }) => ({
    cert: readFileSync(files.certificatePath),
    key: readFileSync(files.privateKeyPath),
  });

  it.each<[string, () => Promise<{ cert: Buffer; key: Buffer }>]>([
    [
      'a certificate of another CA (same CA name, other key)',
      async () => {
        const stranger = await TestCertificates.create();
        const files = await stranger.client('urn:intelroute:ncb:FR');
        return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
      },
    ],
    [
      'an expired certificate of our CA',
      async () =>
        filesOf(
          await issueClientCertificateFiles({
            dir: gw.certs.dir,
            urn: 'urn:intelroute:ncb:FR',
            outName: 'expired-fr',
            notBefore: new Date(Date.now() - 10 * DAY_MS),
            notAfter: new Date(Date.now() - DAY_MS),
          }),
        ),
    ],
    [
      'a certificate not yet valid',
      async () =>
        filesOf(
          await issueClientCertificateFiles({
            dir: gw.certs.dir,
            urn: 'urn:intelroute:ncb:FR',
            outName: 'future-fr',
            notBefore: new Date(Date.now() + DAY_MS),
            notAfter: new Date(Date.now() + 10 * DAY_MS),
          }),
        ),
    ],
    [
      "the gateway's own server certificate (no clientAuth usage)",
      async () => ({
        cert: readFileSync(path.join(gw.certs.dir, 'server.crt')),
        key: readFileSync(path.join(gw.certs.dir, 'server.key')),
      }),
    ],
  ])('refuses %s at the TLS handshake (UNAVAILABLE, no handler ran)', async (_case, material) => {
    expect(await publishWith(await material())).toBe('UNAVAILABLE');
  });

  it.each([
    [
      'no urn:intelroute: URI at all',
      [{ type: 'dns', value: 'ncb-fr.example' }],
      /has no urn:intelroute: URI/, // NO_IDENTITY_URI
      CLIENT_AUTH,
    ],
    [
      'two identity URIs',
      [
        { type: 'url', value: 'urn:intelroute:ncb:FR' },
        { type: 'url', value: 'urn:intelroute:secretariat' },
      ],
      /has 2 urn:intelroute: URI subject alternative names/, // SEVERAL_IDENTITY_URIS
      CLIENT_AUTH,
    ],
    [
      'a URI smuggling a second identity',
      [{ type: 'url', value: 'urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat' }],
      /identity URI is invalid/, // MALFORMED_IDENTITY_URI
      CLIENT_AUTH,
    ],
    [
      // OpenSSL lets a certificate without the extension pass the handshake as any use.
      'a valid identity but no extended key usage at all',
      [{ type: 'url', value: 'urn:intelroute:ncb:FR' }],
      /no extended key usage clientAuth/, // NOT_FOR_CLIENT_AUTH
      [],
    ],
  ] as const)(
    'ends a PublishStream UNAUTHENTICATED for a CA-signed certificate with %s, and audits it by fingerprint',
    async (_case, sans, problem, usages) => {
      const authority = await loadCertificateAuthority(certFolderPaths(gw.certs.dir));
      const crafted = await craftClientCertificate(authority, [...sans], usages);
      const fingerprint = new X509Certificate(crafted.certificatePem).fingerprint256;
      const raw = new IntelGatewayClient(
        gw.address,
        grpc.credentials.createSsl(
          readFileSync(path.join(gw.certs.dir, 'ca.crt')),
          Buffer.from(crafted.privateKeyPem),
          Buffer.from(crafted.certificatePem),
        ),
        { 'grpc.ssl_target_name_override': 'localhost', 'grpc.use_local_subchannel_pool': 1 },
      );
      const call = raw.publishStream();
      const error = await new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
      raw.close();
      const refusal = refusalFromCallStatus(error);
      expect(refusal).toMatchObject({ codeName: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
      expect(refusal.message).toMatch(problem);

      const audit = await auditRecordsWhere(
        (r) => r.identity === `unidentified-certificate:${fingerprint}`,
      );
      expect(audit).toEqual([
        expect.objectContaining({
          event: AuditEvent.AUDIT_EVENT_REFUSED,
          reason: 'UNAUTHENTICATED',
        }),
      ]);
    },
  );

  /** Audit records matching `predicate`, once there is one (the REFUSED record). */
  async function auditRecordsWhere(
    predicate: (record: Awaited<ReturnType<typeof auditRecords>>[number]) => boolean,
  ) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = (await auditRecords(kafka, gw.topic('intel.v1.audit'))).filter(predicate);
      if (found.length >= 1 || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  it('writes nothing to the audit trail or dead letters for handshake refusals (no message was received)', async () => {
    const stranger = await TestCertificates.create();
    const files = await stranger.client('urn:intelroute:ncb:FR');
    const lost = ncbEnvelope('FR');
    expect(
      await publishWith(
        { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) },
        lost,
      ),
    ).toBe('UNAVAILABLE');
    // A sentinel refused after it: once its record is in, anything before it would be too.
    const sentinel = { ...ncbEnvelope('FR'), messageId: 'sentinel-not-a-uuid' };
    const fr = await gw.client('urn:intelroute:ncb:FR', { retry: false });
    await expect(fr.publish(sentinel)).rejects.toBeInstanceOf(PublishRefusedError);
    const audit = await auditOnceRefused(kafka, gw.topic('intel.v1.audit'), [sentinel.messageId]);
    expect(audit.filter((r) => r.messageId === lost.messageId)).toEqual([]);
  });

  // Found by this suite, now enforced: a certificate that passes TLS but names no identity is
  // audited within an audit budget per certificate fingerprint (20 at once, then one per 5 s),
  // so it cannot flood the audit trail (measured before the fix: 200 calls, 200 records).
  it('rate-limits the audit records an unidentified certificate can cause (at most the burst, per fingerprint)', async () => {
    const authority = await loadCertificateAuthority(certFolderPaths(gw.certs.dir));
    const crafted = await craftClientCertificate(authority, [
      { type: 'dns', value: 'flood.example' },
    ]);
    const fingerprint = new X509Certificate(crafted.certificatePem).fingerprint256;
    const client = createGatewayClient({
      address: gw.address,
      tls: {
        caFile: path.join(gw.certs.dir, 'ca.crt'),
        cert: crafted.certificatePem,
        key: crafted.privateKeyPem,
        serverName: 'localhost',
      },
      retry: false,
    });
    const calls = 200;
    const codes = await Promise.all(
      Array.from({ length: calls }, () =>
        client.publish(ncbEnvelope('FR')).then(
          () => 'acked',
          (error: PublishRefusedError) => error.refusal.codeName,
        ),
      ),
    );
    client.close();
    expect(new Set(codes)).toEqual(new Set(['UNAUTHENTICATED']));
    // Sentinel: a refusal written after the flood's; then count the flood's audit records.
    const sentinel = { ...ncbEnvelope('DE'), messageId: 'sentinel-after-flood' };
    const de = await gw.client('urn:intelroute:ncb:DE', { retry: false });
    await expect(de.publish(sentinel)).rejects.toBeInstanceOf(PublishRefusedError);
    const audit = await auditOnceRefused(kafka, gw.topic('intel.v1.audit'), [sentinel.messageId]);
    const flood = audit.filter(
      (r) =>
        r.identity === `unidentified-certificate:${fingerprint}` &&
        r.event === AuditEvent.AUDIT_EVENT_REFUSED,
    );
    expect(flood.length).toBeLessThanOrEqual(RATE.rateLimitBurst + 5);
  });

  it('still serves valid identities after all of the above', async () => {
    const client: GatewayClient = await gw.client('urn:intelroute:ncb:DE', { retry: false });
    await expect(client.publish(ncbEnvelope('DE'))).resolves.toMatchObject({ duplicate: false });
    await expect(
      (await gw.client('urn:intelroute:secretariat')).publish(
        validEnvelope('link-alert', {
          origin: { kind: OriginKind.ORIGIN_KIND_SECRETARIAT, country: '', agencyId: '' },
        }),
      ),
    ).resolves.toMatchObject({ duplicate: false });
  });
});
