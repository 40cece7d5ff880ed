import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { loadConfig, type TopicsConfig } from '../../../src/config';
import { readerSettings, type ReaderSettings } from '../../../src/services/readers';
import type { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { encodeMessageRecord, type OutboundRecord } from '../../../src/kafka/record-format';
import { applyTopicPlan } from '../../../src/kafka/topic-provisioning';
import { TransactionalWriter, type RecordLocation } from '../../../src/kafka/transactional-writer';
import { silentLogger } from '../../../src/telemetry/logger';
import {
  fixturePayload,
  payloadBytes,
  validEnvelope,
  type MessageType,
} from '../../helpers/envelopes';
import { eventually } from '../../helpers/eventually';
import { uniqueName } from '../../helpers/kafka';

/** Countries with an inbox in these tests. */
export const COUNTRIES = ['DE', 'FR', 'IT'];

/** A fresh prefix with the whole topic plan created (2 partitions per topic, 3 countries). */
export async function provisionTopics(admin: Admin, partitions = 2): Promise<TopicsConfig> {
  const topics: TopicsConfig = {
    ...loadConfig({ env: {} }).topics,
    prefix: `${uniqueName('consumers')}.`,
    partitions,
    memberCountries: COUNTRIES,
  };
  const plan = await applyTopicPlan({ admin, topics, memberCountries: COUNTRIES });
  // Leaders of new partitions are elected a moment after creation: wait until all answer.
  const names = plan.changes.flatMap((change) =>
    change.kind === 'create' ? [change.spec.name] : [],
  );
  await eventually(
    () =>
      Promise.all(names.map((name) => admin.fetchTopicOffsets(name))).then(
        () => true,
        () => false,
      ),
    Boolean,
  );
  return topics;
}

/** Reader settings for tests: quick retries, quick heartbeats, the shipped defaults otherwise. */
export function testSettings(overrides: Partial<ReaderSettings> = {}): ReaderSettings {
  const base = readerSettings(loadConfig({ env: {} }));
  return {
    ...base,
    backoff: { initialMs: 20, maxMs: 100 },
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    ...overrides,
  };
}

/** A valid envelope as the gateway stores it: with a receipt (sender, time, trace id). */
export function routedEnvelope(type: MessageType, overrides: Partial<Envelope> = {}): Envelope {
  const envelope = validEnvelope(type, overrides);
  return {
    ...envelope,
    receipt: {
      sender: 'urn:intelroute:ncb:FR',
      receivedAt: new Date('2025-03-14T09:30:01.000Z'),
      payloadSha256: '',
      replyDueAt: undefined,
      traceId: randomUUID().replace(/-/g, ''),
    },
  };
}

/**
 * Writes records as the gateway would: transactionally, every one committed when it resolves.
 * Returns where each landed, in order.
 */
export async function writeRecords(
  kafka: Kafka,
  records: readonly OutboundRecord[],
): Promise<RecordLocation[]> {
  const writer = new TransactionalWriter<never>({
    kafka,
    transactionalId: uniqueName('test-publisher'),
    logger: silentLogger(),
  });
  await writer.start();
  try {
    const deadlineAtMs = Date.now() + 60_000;
    const landed = await Promise.all(
      records.map((record) => writer.write({ records: [record], events: [], deadlineAtMs })),
    );
    return landed.flat();
  } finally {
    await writer.stop();
  }
}

/** The message records of `envelope` for each topic (prefix applied by the caller). */
export function recordsFor(envelope: Envelope, topics: readonly string[]): OutboundRecord[] {
  return topics.map((topic) =>
    encodeMessageRecord(topic, envelope, {
      traceparent: `00-${envelope.receipt?.traceId ?? '1'.repeat(32)}-${'2'.repeat(16)}-01`,
    }),
  );
}

/**
 * Resolves once `group` has committed past every location in `landed` on `topics` (offset >
 * location): from then on the reader's handler calls for them are final.
 */
export async function committedPast(
  admin: Admin,
  group: string,
  landed: readonly RecordLocation[],
): Promise<boolean> {
  const topics = [...new Set(landed.map((l) => l.topic))];
  const offsets = await admin.fetchOffsets({ groupId: group, topics });
  const committed = new Map<string, bigint>();
  for (const { topic, partitions } of offsets) {
    for (const p of partitions) committed.set(`${topic}/${p.partition}`, BigInt(p.offset));
  }
  return landed.every(
    (l) => (committed.get(`${l.topic}/${l.partition}`) ?? -1n) > BigInt(l.offset),
  );
}

/** A contact-point-update as the gateway writes it to the directory: key = country. */
export function directoryRecord(
  topic: string,
  country: string,
  changes: Record<string, unknown> = {},
): { record: OutboundRecord; envelope: Envelope } {
  const payload = { ...(fixturePayload('contact-point-update') as object), country, ...changes };
  const envelope = routedEnvelope('contact-point-update', { payload: payloadBytes(payload) });
  const record = { ...encodeMessageRecord(topic, envelope), key: Buffer.from(country) };
  return { record, envelope };
}
