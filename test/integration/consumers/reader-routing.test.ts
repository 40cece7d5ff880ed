import type { Admin, Kafka } from 'kafkajs';
import type { TopicsConfig } from '../../../src/config';
import { ReaderRuntime, readerStream, type ReaderDelivery } from '../../../src/services/readers';
import { TOPICS, countryTopic } from '../../../src/contract/topic-names';
import {
  noopIntelrouteMetrics,
  type IntelrouteMetrics,
  type LagReading,
} from '../../../src/telemetry';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { testKafkaClient } from '../../helpers/kafka';
import {
  COUNTRIES,
  committedPast,
  provisionTopics,
  recordsFor,
  routedEnvelope,
  testSettings,
  writeRecords,
} from './consumer-fixtures';

jest.setTimeout(60_000);

describe('country readers', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topics: TopicsConfig;
  const readers: ReaderRuntime[] = [];

  beforeAll(async () => {
    kafka = testKafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topics = await provisionTopics(admin);
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((reader) => reader.stop()));
  });
  afterAll(() => admin.disconnect());

  function startReader(country: string, seen: ReaderDelivery[]): Promise<ReaderRuntime> {
    const reader = new ReaderRuntime({
      kafka,
      logger: silentLogger(),
      stream: readerStream({ kind: 'country-inbox', country }, topics.prefix),
      instanceId: `reader-country-${country}-test`,
      topicPrefix: topics.prefix,
      handler: async (delivery) => {
        seen.push(delivery);
      },
      settings: testSettings(),
    });
    readers.push(reader);
    return reader.start().then(() => reader);
  }

  it('delivers a message routed to FR and DE once to each of them and to nobody else; a broadcast to all', async () => {
    const seen = new Map(COUNTRIES.map((cc) => [cc, [] as ReaderDelivery[]]));
    await Promise.all(COUNTRIES.map((cc) => startReader(cc, seen.get(cc) ?? [])));
    const inbox = (cc: string): string => `${topics.prefix}${countryTopic(cc)}`;
    const toFrAndDe = routedEnvelope('online-vendor-report');
    const broadcast = routedEnvelope('training-event');
    const toItaly = routedEnvelope('information-request');
    const landed = await writeRecords(kafka, [
      ...recordsFor(toFrAndDe, [inbox('FR'), inbox('DE')]),
      // A retried publish that landed twice: the reader must still see it once.
      ...recordsFor(toFrAndDe, [inbox('FR')]),
      ...recordsFor(broadcast, [`${topics.prefix}${TOPICS.broadcast}`]),
      ...recordsFor(toItaly, [inbox('IT')]),
    ]);

    for (const cc of COUNTRIES) {
      const group = readerStream({ kind: 'country-inbox', country: cc }, topics.prefix).group;
      const mine = landed.filter(
        (l) => l.topic === inbox(cc) || l.topic.endsWith(TOPICS.broadcast),
      );
      await eventually(() => committedPast(admin, group, mine), Boolean);
    }
    const ids = (cc: string): string[] =>
      (seen.get(cc) ?? []).map((d) => d.envelope.messageId).sort();
    expect(ids('FR')).toEqual([toFrAndDe.messageId, broadcast.messageId].sort());
    expect(ids('DE')).toEqual([toFrAndDe.messageId, broadcast.messageId].sort());
    expect(ids('IT')).toEqual([toItaly.messageId, broadcast.messageId].sort());
    // The handler gets the message's trace (a child span of the gateway's trace id).
    const fr = seen.get('FR')?.find((d) => d.envelope.messageId === toFrAndDe.messageId);
    expect(fr?.trace.traceId).toBe(toFrAndDe.receipt?.traceId);
  });
  it('reports a lag of 0 once caught up with transactional writes (commit markers are not records to read)', async () => {
    let readLag: (() => LagReading) | undefined;
    const metrics: IntelrouteMetrics = {
      ...noopIntelrouteMetrics(),
      observeConsumerLag: (read) => {
        readLag = read;
        return () => undefined;
      },
    };
    const reader = new ReaderRuntime({
      kafka,
      logger: silentLogger(),
      stream: readerStream({ kind: 'country-inbox', country: 'DE' }, topics.prefix),
      instanceId: 'reader-country-DE-lag',
      topicPrefix: topics.prefix,
      handler: async () => undefined,
      settings: testSettings(),
      metrics,
    });
    readers.push(reader);
    await reader.start();
    const inbox = `${topics.prefix}${countryTopic('DE')}`;
    // Several transactions, each ending in a commit marker, on both partitions.
    const landed = await writeRecords(
      kafka,
      Array.from({ length: 12 }, () =>
        recordsFor(routedEnvelope('seizure-report'), [inbox]),
      ).flat(),
    );
    const group = readerStream({ kind: 'country-inbox', country: 'DE' }, topics.prefix).group;
    await eventually(() => committedPast(admin, group, landed), Boolean);
    const lag = await eventually(
      async () => [...(await (readLag?.() ?? []))].filter((s) => s.topic === inbox),
      (samples) => samples.length > 0 && samples.every((s) => s.lag === 0),
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(lag.map((s) => s.lag)).toEqual([0]);
  });
});
