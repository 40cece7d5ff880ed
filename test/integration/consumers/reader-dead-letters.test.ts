import type { Admin, Kafka } from 'kafkajs';
import { parseAuditValue } from '../../../src/audit';
import type { TopicsConfig } from '../../../src/config';
import { ReaderRuntime, readerStream } from '../../../src/services/readers';
import { TOPICS, countryTopic } from '../../../src/contract/topic-names';
import { IntelrouteError } from '../../../src/core/errors';
import { partitionForKey } from '../../../src/kafka/murmur2-partitioner';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { testKafkaClient } from '../../helpers/kafka';
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

describe('a reader whose handler fails', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topics: TopicsConfig;

  beforeAll(async () => {
    kafka = testKafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topics = await provisionTopics(admin);
  });
  afterAll(() => admin.disconnect());

  it('retries, parks the poison message in the dead-letter topic after N attempts, and goes on', async () => {
    const inbox = `${topics.prefix}${countryTopic('FR')}`;
    // All on one case reference, so the poison message sits in front of the others.
    const envelopes = Array.from({ length: 10 }, () =>
      routedEnvelope('seizure-report', { caseReference: 'case-dlq' }),
    );
    const poison = envelopes[2]!;
    const refused = envelopes[5]!;
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    const stream = readerStream({ kind: 'country-inbox', country: 'FR' }, topics.prefix);
    const reader = new ReaderRuntime({
      kafka,
      logger: silentLogger(),
      stream,
      instanceId: 'reader-country-FR-dlq-test',
      topicPrefix: topics.prefix,
      settings: testSettings({ maxAttempts: 3 }),
      handler: async ({ envelope }) => {
        const id = envelope.messageId;
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        if (id === poison.messageId) throw new Error('sink crashed on this one');
        if (id === refused.messageId) {
          throw new IntelrouteError('READER_HANDLER_REJECTED', 'webhook answered HTTP 422');
        }
        handled.push(id);
      },
    });
    const garbage = {
      topic: inbox,
      key: Buffer.from('case-dlq'),
      value: Buffer.from('this is not an envelope \u0000\u00ff'),
      headers: { 'message-id': 'garbage' },
    };
    await reader.start();
    try {
      const landed = await writeRecords(kafka, [
        ...envelopes.slice(0, 4).flatMap((e) => recordsFor(e, [inbox])),
        garbage,
        ...envelopes.slice(4).flatMap((e) => recordsFor(e, [inbox])),
      ]);
      await eventually(() => committedPast(admin, stream.group, landed), Boolean);
    } finally {
      await reader.stop();
    }

    const healthy = envelopes.filter((e) => e !== poison && e !== refused).map((e) => e.messageId);
    expect(handled).toEqual(healthy); // in order, each once
    expect(attempts.get(poison.messageId)).toBe(3);
    expect(attempts.get(refused.messageId)).toBe(1); // refused for good: no retry

    const letters = (await readAllCommitted(kafka, `${topics.prefix}${TOPICS.deadLetter}`)).map(
      (r) => JSON.parse(r.value.toString()) as Record<string, unknown>,
    );
    expect(letters).toHaveLength(3);
    const byId = new Map(letters.map((l) => [l.messageId ?? '', l]));
    expect(byId.get(poison.messageId)).toMatchObject({
      reason: 'INTERNAL',
      description: 'Error: sink crashed on this one',
      identity: stream.group,
      instanceId: 'reader-country-FR-dlq-test',
      attempts: 3,
      messageType: 'seizure-report',
      source: { topic: inbox, partition: expect.any(Number), offset: expect.any(String) },
    });
    expect(byId.get(refused.messageId)).toMatchObject({
      attempts: 1,
      description: 'READER_HANDLER_REJECTED: webhook answered HTTP 422',
    });
    expect(byId.get('')).toMatchObject({ reason: 'ENVELOPE_INVALID', source: { topic: inbox } });
    // Never the payload: only its hash.
    for (const letter of letters) expect(letter).not.toHaveProperty('payload');
    expect(JSON.stringify(letters)).not.toContain('Liege express hub');

    const audit = (await readAllCommitted(kafka, `${topics.prefix}${TOPICS.audit}`)).map((r) =>
      parseAuditValue(r.value),
    );
    const events = (event: AuditEvent): string[] =>
      audit.filter((a) => a.event === event).map((a) => a.messageId);
    expect(events(AuditEvent.AUDIT_EVENT_DELIVERED)).toEqual(healthy);
    expect(events(AuditEvent.AUDIT_EVENT_DEAD_LETTERED).sort()).toEqual(
      ['', poison.messageId, refused.messageId].sort(),
    );
    expect(new Set(audit.map((a) => a.chainId))).toEqual(new Set(['reader-country-FR-dlq-test']));
  });

  it('pauses only the partition of a message being retried: the other partitions flow meanwhile', async () => {
    const inbox = `${topics.prefix}${countryTopic('DE')}`;
    const caseOn = (partition: number, tag: string): string => {
      for (let i = 0; ; i += 1) {
        if (partitionForKey(Buffer.from(`${tag}-${i}`), topics.partitions) === partition) {
          return `${tag}-${i}`;
        }
      }
    };
    const poison = routedEnvelope('seizure-report', { caseReference: caseOn(0, 'stuck') });
    const others = Array.from({ length: 5 }, (_, i) =>
      routedEnvelope('seizure-report', { caseReference: caseOn(1, `free${i}`) }),
    );
    const events: string[] = [];
    const stream = readerStream({ kind: 'country-inbox', country: 'DE' }, topics.prefix);
    const reader = new ReaderRuntime({
      kafka,
      logger: silentLogger(),
      stream,
      instanceId: 'reader-country-DE-pause-test',
      topicPrefix: topics.prefix,
      // Three attempts 1.5 s apart: the poison message holds its partition for 3 s.
      settings: testSettings({
        maxAttempts: 3,
        backoff: { initialMs: 1500, maxMs: 1500, jitter: 0 },
      }),
      handler: async ({ envelope, attempt }) => {
        if (envelope.messageId === poison.messageId) {
          events.push(`poison attempt ${attempt}`);
          throw new Error('still failing');
        }
        events.push('other handled');
      },
    });
    await reader.start();
    try {
      await writeRecords(kafka, recordsFor(poison, [inbox]));
      await eventually(
        async () => events.length,
        (n) => n >= 1,
        { intervalMs: 20 },
      );
      // Published while the poison message waits for its retry, on the other partition.
      const landed = await writeRecords(
        kafka,
        others.flatMap((e) => recordsFor(e, [inbox])),
      );
      await eventually(() => committedPast(admin, stream.group, landed), Boolean);
      await eventually(
        async () => events.length,
        (n) => n === 8,
      );
    } finally {
      await reader.stop();
    }
    // The five others went through while the poison message waited for its second attempt.
    expect(events).toEqual([
      'poison attempt 1',
      ...others.map(() => 'other handled'),
      'poison attempt 2',
      'poison attempt 3',
    ]);
  });
});
