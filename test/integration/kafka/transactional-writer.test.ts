import type { Kafka } from 'kafkajs';
import { createTopicsAndWait } from '../../../src/kafka/topic-admin';
import {
  TransactionalWriter,
  type LandedJob,
  type RecordLocation,
  type TransactionParticipant,
} from '../../../src/kafka/transactional-writer';
import type { OutboundRecord } from '../../../src/kafka/record-format';
import { silentLogger } from '../../../src/telemetry/logger';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';

const record = (topic: string, key: string, value: string): OutboundRecord => ({
  topic,
  key: Buffer.from(key),
  value: Buffer.from(value),
  headers: { 'message-id': value },
});

/** Adds one summary record per transaction, naming every location (as the audit trail will). */
class SummaryParticipant implements TransactionParticipant<string> {
  committedBatches = 0;
  abortedBatches = 0;
  failNext = false;
  constructor(private readonly topic: string) {}
  prepare(landed: readonly LandedJob<string>[]): OutboundRecord[] {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('participant refuses this batch');
    }
    const where = landed.flatMap((l) =>
      l.locations.map((x) => `${x.topic}/${x.partition}@${x.offset}`),
    );
    return [
      record(
        this.topic,
        'summary',
        `${landed.flatMap((l) => l.job.events).join(',')}|${where.join(',')}`,
      ),
    ];
  }
  committed(): void {
    this.committedBatches++;
  }
  aborted(): void {
    this.abortedBatches++;
  }
}

describe('TransactionalWriter', () => {
  let kafka: Kafka;
  const admin = testKafkaClient().admin();
  beforeAll(async () => {
    kafka = testKafkaClient();
    await admin.connect();
  });
  afterAll(() => admin.disconnect());

  async function topics(...names: string[]): Promise<string[]> {
    const prefixed = names.map((n) => uniqueName(`writer.${n}`));
    await createTopicsAndWait(
      admin,
      prefixed.map((name) => ({ name, partitions: 3, replicationFactor: 1, configs: {} })),
    );
    return prefixed;
  }

  it('batches concurrent jobs into transactions and reports where every record landed', async () => {
    const [a, b, summary] = await topics('a', 'b', 'summary');
    const participant = new SummaryParticipant(summary!);
    const writer = new TransactionalWriter<string>({
      kafka,
      transactionalId: uniqueName('tx'),
      logger: silentLogger(),
      participants: [participant],
    });
    await writer.start();
    try {
      const jobs = Array.from({ length: 200 }, (_, i) => ({
        records: [record(a!, `case-${i % 7}`, `m${i}`), record(b!, `m${i}`, `m${i}`)],
        events: [`m${i}`],
        deadlineAtMs: Date.now() + 30_000,
      }));
      const results = await Promise.all(jobs.map((job) => writer.write(job)));

      // Every reported location holds exactly the record of that job.
      const stored = new Map(
        [...(await readAllCommitted(kafka, a!)), ...(await readAllCommitted(kafka, b!))].map(
          (r) => [`${r.topic}/${r.partition}@${r.offset}`, r.value.toString()],
        ),
      );
      expect(stored.size).toBe(400);
      results.forEach((locations: RecordLocation[], i) => {
        expect(locations).toHaveLength(2);
        for (const l of locations)
          expect(stored.get(`${l.topic}/${l.partition}@${l.offset}`)).toBe(`m${i}`);
      });
      // Group commit: 200 concurrent jobs took far fewer than 200 transactions.
      expect(participant.committedBatches).toBeLessThan(100);
      const summaries = await readAllCommitted(kafka, summary!);
      expect(summaries).toHaveLength(participant.committedBatches);
      expect(summaries.flatMap((s) => s.value.toString().split('|')[0]!.split(',')).sort()).toEqual(
        jobs.map((j) => j.events[0]).sort(),
      );
    } finally {
      await writer.stop();
    }
  });

  it('writes nothing of a batch whose participant fails, and keeps working afterwards', async () => {
    const [a, summary] = await topics('a', 'summary');
    const participant = new SummaryParticipant(summary!);
    const writer = new TransactionalWriter<string>({
      kafka,
      transactionalId: uniqueName('tx'),
      logger: silentLogger(),
      participants: [participant],
    });
    await writer.start();
    try {
      participant.failNext = true;
      await expect(
        writer.write({
          records: [record(a!, 'k', 'lost')],
          events: ['lost'],
          deadlineAtMs: Date.now() + 30_000,
        }),
      ).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
      expect(participant.abortedBatches).toBe(1);

      await eventuallyReady(writer);
      await writer.write({
        records: [record(a!, 'k', 'kept')],
        events: ['kept'],
        deadlineAtMs: Date.now() + 30_000,
      });
      const values = (await readAllCommitted(kafka, a!)).map((r) => r.value.toString());
      expect(values).toEqual(['kept']);
    } finally {
      await writer.stop();
    }
  });

  it('fails a job whose deadline passed while queued, without writing it', async () => {
    const [a] = await topics('a');
    const writer = new TransactionalWriter<string>({
      kafka,
      transactionalId: uniqueName('tx'),
      logger: silentLogger(),
    });
    await writer.start();
    try {
      await expect(
        writer.write({
          records: [record(a!, 'k', 'late')],
          events: [],
          deadlineAtMs: Date.now() - 1,
        }),
      ).rejects.toMatchObject({ code: 'KAFKA_TIMEOUT' });
      expect(await readAllCommitted(kafka, a!)).toEqual([]);
    } finally {
      await writer.stop();
    }
  });

  it('refuses a record for a topic that does not exist, naming it', async () => {
    const writer = new TransactionalWriter<string>({
      kafka,
      transactionalId: uniqueName('tx'),
      logger: silentLogger(),
    });
    await writer.start();
    try {
      await expect(
        writer.write({
          records: [record('no.such.topic', 'k', 'x')],
          events: [],
          deadlineAtMs: Date.now() + 10_000,
        }),
      ).rejects.toMatchObject({ code: 'KAFKA_TOPIC_MISSING' });
    } finally {
      await writer.stop();
    }
  });
});

async function eventuallyReady(writer: TransactionalWriter<string>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (writer.state !== 'ready') {
    if (Date.now() > deadline) throw new Error(`writer stuck in ${writer.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
