import { setTimeout as sleep } from 'node:timers/promises';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';
import { StreamKind } from '../../../src/contract/generated/intelroute/v1/gateway';
import { eventually } from '../../helpers/eventually';
import { validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';
import { subscribe, type TestSubscription } from '../../helpers/subscribe-client';

jest.setTimeout(90_000);

describe('gRPC Subscribe', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  /** Subscribes as DE, retrying while the previous subscription is still being closed. */
  async function subscribeDE(): Promise<TestSubscription> {
    const files = await gw.certs.client('urn:intelroute:ncb:DE');
    for (let attempt = 0; ; attempt++) {
      const subscription = subscribe(gw.address, files, {
        stream: StreamKind.STREAM_KIND_COUNTRY_INBOX,
        country: 'DE',
        maxInFlight: 50,
      });
      const first = await Promise.race([
        subscription.waitFor(1, 5000).then(() => 'delivering'),
        subscription.ended,
      ]);
      if (first === 'delivering') return subscription;
      const refused = typeof first === 'string' ? null : first;
      if (attempt >= 10 || (refused !== null && refused.reason !== 'TOO_MANY_STREAMS')) {
        throw new Error(`subscribe failed: ${JSON.stringify(first)}`);
      }
      await sleep(300);
    }
  }

  it('resumes after the last acked delivery: acked half is never redelivered, the other half is', async () => {
    const sender = await gw.client('urn:intelroute:ncb:FR');
    const sent = [];
    for (let i = 0; i < 20; i++)
      sent.push((await sender.publish(validEnvelope('information-request'))).messageId);

    const first = await subscribeDE();
    const received = await first.waitFor(20);
    expect(new Set(received.map((d) => d.envelope?.messageId))).toEqual(new Set(sent));
    const acked = received.slice(0, 10);
    acked.forEach((delivery) => first.ack(delivery.deliveryId));
    // The gateway commits acks with one ACKED audit record each: wait until all ten are in.
    await eventually(
      async () =>
        (await readAllCommitted(kafka, gw.topic('intel.v1.audit'))).map((r) =>
          AuditRecord.fromJSON(JSON.parse(r.value.toString())),
        ),
      (records) => records.filter((r) => r.event === AuditEvent.AUDIT_EVENT_ACKED).length >= 10,
    );
    first.cancel();

    const second = await subscribeDE();
    const redelivered = await second.waitFor(10);
    await sleep(1500); // nothing more may come
    expect(second.deliveries.map((d) => d.envelope?.messageId).sort()).toEqual(
      received
        .slice(10)
        .map((d) => d.envelope?.messageId)
        .sort(),
    );
    expect(redelivered.every((d) => d.envelope?.receipt?.sender === 'urn:intelroute:ncb:FR')).toBe(
      true,
    );
    second.cancel();
  });

  it('refuses another country’s inbox with PERMISSION_DENIED, and audits the attempt', async () => {
    const files = await gw.certs.client('urn:intelroute:ncb:FR');
    const attempt = subscribe(gw.address, files, {
      stream: StreamKind.STREAM_KIND_COUNTRY_INBOX,
      country: 'DE',
    });
    expect(await attempt.ended).toMatchObject({
      codeName: 'PERMISSION_DENIED',
      reason: 'STREAM_NOT_PERMITTED',
    });
    const audit = await eventually(
      async () =>
        (await readAllCommitted(kafka, gw.topic('intel.v1.audit'))).map((r) =>
          AuditRecord.fromJSON(JSON.parse(r.value.toString())),
        ),
      (records) => records.some((r) => r.event === AuditEvent.AUDIT_EVENT_SUBSCRIBE_REFUSED),
    );
    expect(audit.find((r) => r.event === AuditEvent.AUDIT_EVENT_SUBSCRIBE_REFUSED)).toMatchObject({
      identity: 'urn:intelroute:ncb:FR',
      reader: 'country-inbox:DE',
      reason: 'STREAM_NOT_PERMITTED',
    });
  });

  it('refuses a start naming no stream as INVALID_ARGUMENT, the field named', async () => {
    const files = await gw.certs.client('urn:intelroute:ncb:FR');
    const attempt = subscribe(gw.address, files, { stream: StreamKind.STREAM_KIND_UNSPECIFIED });
    expect(await attempt.ended).toMatchObject({
      codeName: 'INVALID_ARGUMENT',
      reason: 'REQUEST_MALFORMED',
      fieldViolations: [expect.objectContaining({ field: 'start.stream' })],
    });
  });
});
