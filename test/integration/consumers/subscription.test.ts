import type { Admin, Kafka } from 'kafkajs';
import { parseAuditValue } from '../../../src/audit';
import type { TopicsConfig } from '../../../src/config';
import {
  SubscriptionService,
  subscriberGroup,
  type SubscribeGrant,
  type SubscriptionDelivery,
} from '../../../src/services/readers';
import { TOPICS, countryTopic } from '../../../src/contract/topic-names';
import {
  HandlingCode,
  Restriction,
  type Envelope,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';
import {
  committedPast,
  provisionTopics,
  recordsFor,
  routedEnvelope,
  testSettings,
  writeRecords,
} from './consumer-fixtures';

jest.setTimeout(60_000);

describe('the subscription core', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topics: TopicsConfig;
  let service: SubscriptionService;

  beforeAll(async () => {
    kafka = testKafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topics = await provisionTopics(admin);
    service = new SubscriptionService({
      kafka,
      logger: silentLogger(),
      topicPrefix: topics.prefix,
      instanceId: 'gateway-test',
      settings: testSettings(),
      defaultMaxInFlight: 64,
      maxInFlightLimit: 1000,
    });
    await service.start();
  });
  afterAll(async () => {
    await service.stop();
    await admin.disconnect();
  });

  const inbox = (cc: string): string => `${topics.prefix}${countryTopic(cc)}`;
  const ncb = (urn: string): SubscribeGrant => ({
    identityUrn: urn,
    stream: { kind: 'country-inbox', country: 'FR' },
    messageTypes: 'all',
    agencyReader: false,
  });

  async function publish(envelopes: readonly Envelope[], topic = inbox('FR')) {
    return writeRecords(
      kafka,
      envelopes.flatMap((e) => recordsFor(e, [topic])),
    );
  }

  it('resumes after the last acked delivery: 20 delivered, 10 acked, the other 10 come again', async () => {
    const grant = ncb(`urn:intelroute:ncb:FR:${uniqueName('sub')}`);
    const envelopes = Array.from({ length: 20 }, (_, i) =>
      routedEnvelope('seizure-report', { caseReference: `case-${i % 4}` }),
    );
    await publish(envelopes);
    const first: SubscriptionDelivery[] = [];
    const subscription = await service.open(grant, { onDelivery: (d) => first.push(d) });
    await eventually(
      async () => first.length,
      (n) => n === 20,
    );
    for (const delivery of first.slice(0, 10)) {
      expect(subscription.ack(delivery.deliveryId)).toBe('acked');
    }
    expect(subscription.ack(first[0]!.deliveryId)).toBe('unknown'); // acked already
    await subscription.stop(); // disconnect: acks are committed, the rest is not

    const second: SubscriptionDelivery[] = [];
    const again = await service.open(grant, { onDelivery: (d) => second.push(d) });
    try {
      const rest = first
        .slice(10)
        .map((d) => d.deliveryId)
        .sort();
      await eventually(
        async () => second.map((d) => d.deliveryId).sort(),
        (ids) => ids.length >= 10,
      );
      expect(second.map((d) => d.deliveryId).sort()).toEqual(rest);
      expect(second.map((d) => d.envelope.messageId).sort()).toEqual(
        first
          .slice(10)
          .map((d) => d.envelope.messageId)
          .sort(),
      );
      // A delivery names where it was read, and its id is that place.
      const { record, deliveryId } = second[0]!;
      expect(deliveryId).toBe(`${record.topic}/${record.partition}/${record.offset}`);
    } finally {
      await again.stop();
    }
    // Every ack left an ACKED audit record on the service's own chain.
    const audit = (await readAllCommitted(kafka, `${topics.prefix}${TOPICS.audit}`)).map((r) =>
      parseAuditValue(r.value),
    );
    const acked = audit.filter(
      (a) => a.event === AuditEvent.AUDIT_EVENT_ACKED && a.identity === grant.identityUrn,
    );
    expect(acked.map((a) => a.messageId).sort()).toEqual(
      first
        .slice(0, 10)
        .map((d) => d.envelope.messageId)
        .sort(),
    );
    expect(new Set(acked.map((a) => a.chainId))).toEqual(new Set(['gateway-test-subscriptions']));
  });

  it('keeps at most max-in-flight deliveries unacked', async () => {
    const grant = ncb(`urn:intelroute:ncb:FR:${uniqueName('window')}`);
    const envelopes = Array.from({ length: 30 }, () => routedEnvelope('seizure-report'));
    await publish(envelopes);
    const delivered: SubscriptionDelivery[] = [];
    let mostUnacked = 0;
    const subscription = await service.open(grant, {
      maxInFlight: 5,
      onDelivery: (d) => {
        delivered.push(d);
        mostUnacked = Math.max(mostUnacked, subscription.inFlight);
      },
    });
    try {
      await eventually(
        async () => delivered.length,
        (n) => n === 5,
      );
      let acked = 0;
      while (acked < 30) {
        await eventually(
          async () => delivered.length,
          (n) => n > acked,
        );
        subscription.ack(delivered[acked]!.deliveryId);
        acked += 1;
      }
      expect(new Set(delivered.map((d) => d.envelope.messageId)).size).toBe(30);
      expect(mostUnacked).toBe(5);
    } finally {
      await subscription.stop();
    }
  });

  it('never shows an agency an NCB_ONLY message or a type outside its grant, and commits past them', async () => {
    const grant: SubscribeGrant = {
      identityUrn: `urn:intelroute:agency:DE:${uniqueName('customs')}`,
      stream: { kind: 'country-inbox', country: 'DE' }, // an inbox no other test writes
      messageTypes: ['seizure-report', 'training-event'],
      agencyReader: true,
    };
    const visible = routedEnvelope('seizure-report', { caseReference: 'case-agency' });
    const ncbOnly = routedEnvelope('seizure-report', {
      caseReference: 'case-agency',
      handling: {
        code: HandlingCode.HANDLING_CODE_H3,
        restrictedTo: [],
        restrictions: [Restriction.RESTRICTION_NCB_ONLY],
        restrictionText: 'NCB only',
        retentionDays: 365,
      },
    });
    const notGranted = routedEnvelope('online-vendor-report', { caseReference: 'case-agency' });
    const broadcast = routedEnvelope('training-event');
    const landed = [
      ...(await publish([visible, ncbOnly, notGranted], inbox('DE'))),
      ...(await publish([broadcast], `${topics.prefix}${TOPICS.broadcast}`)),
    ];
    const delivered: SubscriptionDelivery[] = [];
    const subscription = await service.open(grant, { onDelivery: (d) => delivered.push(d) });
    try {
      await eventually(
        async () => delivered.length,
        (n) => n >= 2,
      );
      for (const d of delivered) subscription.ack(d.deliveryId);
      const group = subscriberGroup(grant.identityUrn, topics.prefix);
      // Skipped records are committed past too: nothing of the stream is left pending.
      await eventually(() => committedPast(admin, group, landed), Boolean);
      expect(delivered.map((d) => d.envelope.messageId).sort()).toEqual(
        [visible.messageId, broadcast.messageId].sort(),
      );
    } finally {
      await subscription.stop();
    }
  });

  it('allows one active subscription per identity', async () => {
    const grant = ncb(`urn:intelroute:ncb:FR:${uniqueName('single')}`);
    const subscription = await service.open(grant, { onDelivery: () => undefined });
    try {
      await expect(service.open(grant, { onDelivery: () => undefined })).rejects.toMatchObject({
        code: 'SUBSCRIPTION_ALREADY_ACTIVE',
      });
    } finally {
      await subscription.stop();
    }
    expect(() => subscription.ack('x/0/0')).toThrow(
      expect.objectContaining({ code: 'SUBSCRIPTION_CLOSED' }),
    );
    const next = await service.open(grant, { onDelivery: () => undefined });
    await next.stop();
  });
});
