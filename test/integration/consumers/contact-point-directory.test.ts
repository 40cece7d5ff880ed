import type { Admin, Kafka } from 'kafkajs';
import type { TopicsConfig } from '../../../src/config';
import { ContactPointDirectory } from '../../../src/services/readers';
import { TOPICS } from '../../../src/contract/topic-names';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { testKafkaClient } from '../../helpers/kafka';
import { directoryRecord, provisionTopics, writeRecords } from './consumer-fixtures';

jest.setTimeout(60_000);

describe('the contact-point directory', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topics: TopicsConfig;
  let topic: string;

  beforeAll(async () => {
    kafka = testKafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topics = await provisionTopics(admin);
    topic = `${topics.prefix}${TOPICS.contactPointDirectory}`;
  });
  afterAll(() => admin.disconnect());

  const directory = (): ContactPointDirectory =>
    new ContactPointDirectory({ kafka, admin, topicPrefix: topics.prefix, logger: silentLogger() });

  it('answers with the latest update per country, while following and after a restart', async () => {
    const italyFirst = directoryRecord(topic, 'IT');
    const italyNow = directoryRecord(topic, 'IT', {
      contact: { name: 'Marco Bianchi', email: 'm.bianchi@ncb.example.it', phone: '+390600000200' },
    });
    const iceland = directoryRecord(topic, 'IS', { action: 'withdraw' });
    await writeRecords(kafka, [italyFirst.record, iceland.record]);
    await writeRecords(kafka, [italyNow.record]);

    const first = directory();
    await first.load();
    await first.follow();
    try {
      expect(first.lookupContactPoint('IT')).toMatchObject({
        country: 'IT',
        status: 'active',
        messageId: italyNow.envelope.messageId,
        contactPoint: { contact: { name: 'Marco Bianchi' } },
        sender: 'urn:intelroute:ncb:FR',
        updatedAt: '2025-03-14T09:30:01.000Z',
      });
      expect(first.lookupContactPoint('IS')).toMatchObject({ status: 'withdrawn' });
      expect(first.lookupContactPoint('FR')).toBeUndefined();

      const france = directoryRecord(topic, 'FR', { unit: { name: 'OFAST Internet' } });
      await writeRecords(kafka, [france.record]);
      await eventually(
        async () => first.lookupContactPoint('FR')?.messageId,
        (id) => id === france.envelope.messageId,
      );
    } finally {
      await first.stop();
    }

    // A new reader (a restart) rebuilds the same answers from the compacted topic.
    const second = directory();
    await second.load();
    expect(second.all().map((e) => [e.country, e.status, e.messageId])).toEqual([
      ['FR', 'active', expect.any(String)],
      ['IS', 'withdrawn', iceland.envelope.messageId],
      ['IT', 'active', italyNow.envelope.messageId],
    ]);
    expect(second.lookupContactPoint('FR')?.contactPoint).toMatchObject({
      unit: { name: 'OFAST Internet' },
    });
  });
});
