import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadCertificateAuthority, certFolderPaths } from '../../../src/identity/certs';
import { createGatewayClient, PublishRefusedError, type GatewayClient } from '../../../src/client';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';
import { craftClientCertificate } from '../../unit/identity/crafted-certificate';
import type { Refusal } from '../../../src/contract/rich-status';
import { DeadLetterRecord } from '../../../src/contract/generated/intelroute/v1/records';
import { IntelGatewayClient } from '../../../src/contract/generated/intelroute/v1/gateway';
import { OriginKind, type Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { eventually } from '../../helpers/eventually';
import { payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(60_000);

/** The refusal a publish ends with (it must be refused). */
async function refusalOf(client: GatewayClient, envelope: Envelope): Promise<Refusal> {
  try {
    await client.publish(envelope);
  } catch (error) {
    expect(error).toBeInstanceOf(PublishRefusedError);
    return (error as PublishRefusedError).refusal;
  }
  throw new Error(`message ${envelope.messageId} was accepted`);
}

const spoofed = () =>
  validEnvelope('seizure-report', {
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'FR', agencyId: '' },
  });
const wrongRole = () =>
  validEnvelope('seizure-report', {
    origin: { kind: OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER, country: 'NL', agencyId: '' },
  });
const unknownDestination = () =>
  validEnvelope('information-request', {
    destinations: [{ target: { $case: 'country', country: 'XK' } }],
  });
const schemaViolation = () => {
  const envelope = validEnvelope('seizure-report');
  const payload = JSON.parse(envelope.payload.toString()) as Record<string, unknown>;
  delete payload.seizureDate;
  return { ...envelope, payload: payloadBytes(payload) };
};
const oversize = () => ({
  ...validEnvelope('seizure-report'),
  payload: Buffer.alloc(1_048_577, 0x20),
});

describe('gateway refusals', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  it.each([
    [
      'spoofed origin',
      'urn:intelroute:ncb:DE',
      spoofed,
      'PERMISSION_DENIED',
      'ORIGIN_MISMATCH',
      'origin.country',
    ],
    [
      'role not allowed the type',
      'urn:intelroute:wg:NL',
      wrongRole,
      'PERMISSION_DENIED',
      'ROLE_NOT_PERMITTED',
      'message_type',
    ],
    [
      'non-member destination',
      'urn:intelroute:ncb:FR',
      unknownDestination,
      'INVALID_ARGUMENT',
      'UNKNOWN_DESTINATION',
      'destinations[0].country',
    ],
    [
      'schema violation',
      'urn:intelroute:ncb:FR',
      schemaViolation,
      'INVALID_ARGUMENT',
      'SCHEMA_VIOLATION',
      'payload/seizureDate',
    ],
    [
      'oversize payload',
      'urn:intelroute:ncb:FR',
      oversize,
      'RESOURCE_EXHAUSTED',
      'PAYLOAD_TOO_LARGE',
      'payload',
    ],
  ])(
    '%s from %s: the error names it, and a dead-letter record is written',
    async (_what, sender, build, code, reason, field) => {
      const client = await gw.client(sender, { retry: false });
      const envelope = build();
      const refusal = await refusalOf(client, envelope);
      expect(refusal).toMatchObject({ codeName: code, reason, domain: 'intelroute.v1' });
      expect(refusal.metadata.message_id).toBe(envelope.messageId);
      expect(refusal.fieldViolations.map((v) => v.field)).toContain(field);

      const deadLetters = await eventually(
        () => readAllCommitted(kafka, gw.topic('intel.v1.deadletter')),
        (records) => records.some((r) => r.headers['message-id'] === envelope.messageId),
      );
      const record = deadLetters.find((r) => r.headers['message-id'] === envelope.messageId)!;
      const dead = DeadLetterRecord.fromJSON(JSON.parse(record.value.toString()));
      expect(dead).toMatchObject({
        reason,
        identity: sender,
        payloadSize: String(envelope.payload.length),
      });
      expect(dead.fields).toContain(field);
      expect(record.value.toString()).not.toContain(envelope.payload.toString().slice(10, 40));
    },
  );

  it('refuses a client without a certificate at the handshake', async () => {
    const ca = readFileSync(path.join(gw.certs.dir, 'ca.crt'));
    const raw = new IntelGatewayClient(gw.address, grpc.credentials.createSsl(ca), {
      'grpc.ssl_target_name_override': 'localhost',
    });
    const error = await new Promise<grpc.ServiceError>((resolve) => {
      raw.publish({ envelope: validEnvelope('seizure-report') }, (err) =>
        resolve(err as grpc.ServiceError),
      );
    });
    raw.close();
    expect(error.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses a CA-signed certificate that names no identity with UNAUTHENTICATED, and audits it', async () => {
    const authority = await loadCertificateAuthority(certFolderPaths(gw.certs.dir));
    const crafted = await craftClientCertificate(authority, [
      { type: 'dns', value: 'not-an-identity.example' },
    ]);
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
    const envelope = validEnvelope('seizure-report');
    const refusal = await refusalOf(client, envelope);
    client.close();
    expect(refusal).toMatchObject({ codeName: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
    const audit = await eventually(
      async () =>
        (await readAllCommitted(kafka, gw.topic('intel.v1.audit'))).map((r) =>
          AuditRecord.fromJSON(JSON.parse(r.value.toString())),
        ),
      (records) =>
        records.some(
          (r) => r.messageId === envelope.messageId && r.event === AuditEvent.AUDIT_EVENT_REFUSED,
        ),
    );
    const refused = audit.find(
      (r) => r.messageId === envelope.messageId && r.event === AuditEvent.AUDIT_EVENT_REFUSED,
    )!;
    expect(refused).toMatchObject({
      reason: 'UNAUTHENTICATED',
      identity: expect.stringMatching(/^unidentified-certificate:[0-9A-F:]+$/),
    });
  });

  it('survives garbage bytes on its port and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(gw.gateway.port, '127.0.0.1', () => {
        socket.end(Buffer.from('GET / HTTP/1.1\r\n\r\n\u0000\u0001garbage-not-tls'.repeat(50)));
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    const client = await gw.client('urn:intelroute:ncb:FR');
    await expect(client.publish(validEnvelope('seizure-report'))).resolves.toMatchObject({
      duplicate: false,
    });
  });

  it('answers every message of a stream, refusals included, and the stream goes on', async () => {
    const client = await gw.client('urn:intelroute:ncb:FR', { retry: false });
    const stream = client.openPublishStream({ maxInFlight: 4 });
    const messages = [
      schemaViolation(),
      validEnvelope('seizure-report'),
      unknownDestination(),
      validEnvelope('online-vendor-report'),
      oversize(),
      validEnvelope('seizure-report'),
    ];
    const results = await Promise.allSettled(messages.map((m) => stream.send(m)));
    await stream.end();
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const reasons = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as PublishRefusedError).refusal.reason] : [],
    );
    expect(reasons).toEqual(['SCHEMA_VIOLATION', 'UNKNOWN_DESTINATION', 'PAYLOAD_TOO_LARGE']);
  });

  it('answers a retried message id with the first ack, writing it once', async () => {
    const client = await gw.client('urn:intelroute:ncb:FR');
    const envelope = validEnvelope('information-request');
    const first = await client.publish(envelope);
    const again = await client.publish(envelope); // as after a lost ack
    expect(again).toEqual({ ...first, duplicate: true });
    const inbox = await readAllCommitted(kafka, gw.topic('intel.v1.country.DE'));
    expect(inbox.filter((r) => r.headers['message-id'] === envelope.messageId)).toHaveLength(1);

    // Same id, different content (one more space: still valid JSON, another SHA-256).
    const reused = await refusalOf(await gw.client('urn:intelroute:ncb:FR', { retry: false }), {
      ...envelope,
      payload: Buffer.concat([envelope.payload, Buffer.from(' ')]),
    });
    expect(reused).toMatchObject({ codeName: 'ALREADY_EXISTS', reason: 'MESSAGE_ID_REUSED' });
  });
});
