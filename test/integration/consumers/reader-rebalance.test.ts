import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import type { TopicsConfig } from '../../../src/config';
import { ReaderRuntime, readerStream, type MessageHandler } from '../../../src/services/readers';
import { countryTopic } from '../../../src/contract/topic-names';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { testKafkaClient } from '../../helpers/kafka';
import {
  committedPast,
  provisionTopics,
  recordsFor,
  routedEnvelope,
  testSettings,
  writeRecords,
} from './consumer-fixtures';

jest.setTimeout(90_000);

describe('a reader group that rebalances mid-run', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topics: TopicsConfig;

  beforeAll(async () => {
    kafka = testKafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topics = await provisionTopics(admin, 4);
  });
  afterAll(() => admin.disconnect());

  it('hands every message to the handler exactly once, in order per case, while a member joins and leaves', async () => {
    const stream = readerStream({ kind: 'country-inbox', country: 'FR' }, topics.prefix);
    const handled: Array<{ id: string; by: string }> = [];
    const handler =
      (by: string): MessageHandler =>
      async ({ envelope }) => {
        await sleep(8); // a sink that takes a moment, so the run outlasts both rebalances
        handled.push({ id: envelope.messageId, by });
      };
    const member = (name: string): ReaderRuntime =>
      new ReaderRuntime({
        kafka,
        logger: silentLogger(),
        stream,
        instanceId: `reader-country-FR-${name}`,
        topicPrefix: topics.prefix,
        handler: handler(name),
        // Commit only at the end of a fetched batch (or when forced): a rebalance then always
        // finds handled messages waiting, which must be committed before the group moves on.
        settings: testSettings({ commitMaxMessages: 10_000, commitMaxDelayMs: 600_000 }),
      });
    const inbox = `${topics.prefix}${countryTopic('FR')}`;
    const envelopes = Array.from({ length: 1200 }, (_, i) =>
      routedEnvelope('seizure-report', { caseReference: `case-${i % 40}` }),
    );
    const first = member('a');
    const second = member('b');
    await first.start();
    try {
      const landed = await writeRecords(
        kafka,
        envelopes.flatMap((e) => recordsFor(e, [inbox])),
      );
      await eventually(
        async () => handled.length,
        (n) => n >= 100,
        { intervalMs: 20 },
      );
      await second.start(); // joins: the group rebalances while the first member works
      await eventually(
        async () => handled.filter((h) => h.by === 'b').length,
        (n) => n >= 50,
        { intervalMs: 20 },
      );
      await second.stop(); // leaves: the group rebalances again
      expect(handled.length).toBeLessThan(envelopes.length); // both rebalances happened mid-run
      await eventually(() => committedPast(admin, stream.group, landed), Boolean, {
        timeoutMs: 60_000,
      });
    } finally {
      await second.stop();
      await first.stop();
    }

    const counts = new Map<string, number>();
    for (const { id } of handled) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(envelopes.length); // no gap
    expect([...counts.values()].every((n) => n === 1)).toBe(true); // no duplicate
    const order = new Map(handled.map(({ id }, index) => [id, index]));
    for (let c = 0; c < 40; c += 1) {
      const ofCase = envelopes
        .filter((_, i) => i % 40 === c)
        .map((e) => order.get(e.messageId) ?? -1);
      expect(ofCase).toEqual([...ofCase].sort((x, y) => x - y)); // in order per case
    }
  });
});
