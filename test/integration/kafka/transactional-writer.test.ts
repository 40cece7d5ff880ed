import type { Kafka } from 'kafkajs';
import { createTopicsAndWait } from '../../../src/kafka/topic-admin';
import {
  TransactionalWriter,
  type LandedJob,
  type RecordLocation,
  type TransactionalWriterOptions,
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
    return topicsWith({}, ...names);
  }

  async function topicsWith(configs: Record<string, string>, ...names: string[]) {
    const prefixed = names.map((n) => uniqueName(`writer.${n}`));
    await createTopicsAndWait(
      admin,
      prefixed.map((name) => ({ name, partitions: 3, replicationFactor: 1, configs })),
    );
    return prefixed;
  }

  /** Jobs written at once, so the writer batches them; each settles to its location or error. */
  function writeAll(writer: TransactionalWriter<string>, records: OutboundRecord[]) {
    return Promise.allSettled(
      records.map((r, i) =>
        writer.write({ records: [r], events: [`job${i}`], deadlineAtMs: Date.now() + 30_000 }),
      ),
    );
  }

  it('batches concurrent jobs into transactions and reports where every record landed', async () => {
    const [a, b, summary] = await topics('a', 'b', 'summary');
    const participant = new SummaryParticipant(summary!);
    await withWriter({ participants: [participant] }, async (writer) => {
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
    });
  });

  it('registers every partition of a transaction in one AddPartitionsToTxn (planned participant records included) and keeps its coordinator', async () => {
    const [a, summary] = await topics('a', 'summary');
    const requests: string[] = [];
    const counting = countingRequests(testKafkaClient(), requests);
    const planned = new SummaryParticipant(summary!);
    const plannedRecords = () => [{ topic: summary!, key: Buffer.from('summary') }];
    const writer = new TransactionalWriter<string>({
      kafka: counting,
      transactionalId: uniqueName('tx'),
      logger: silentLogger(),
      participants: [Object.assign(planned, { plannedRecords })],
      lanes: 1,
    });
    await writer.start();
    try {
      requests.length = 0;
      const locations = await writer.write({
        records: [record(a!, 'k1', 'm1'), record(a!, 'k2', 'm2')],
        events: ['m1'],
        deadlineAtMs: Date.now() + 30_000,
      });
      // Registration (retried if the coordinator answers CONCURRENT_TRANSACTIONS) comes first;
      // neither send (nor a Produce kafkajs retries) registers anything of its own.
      expect(requests).toContain('Produce');
      expect(registeredAfterFirstProduce(requests)).toBe(false);
      expect(requests.filter((r) => r === 'EndTxn')).toHaveLength(1);
      const stored = await readAllCommitted(kafka, a!);
      expect(locations.map((l) => `${l.partition}@${l.offset}`).sort()).toEqual(
        stored.map((r) => `${r.partition}@${r.offset}`).sort(),
      );
      expect(await readAllCommitted(kafka, summary!)).toHaveLength(1);
      // The coordinator, once found, is kept: the next transaction does not look it up again.
      requests.length = 0;
      await writer.write({
        records: [record(a!, 'k3', 'm3')],
        events: ['m3'],
        deadlineAtMs: Date.now() + 30_000,
      });
      expect(requests).not.toContain('GroupCoordinator');
      expect(requests).toContain('EndTxn');
    } finally {
      await writer.stop();
    }
    // A participant record nobody announced still lands: its partition is registered late.
    const [b, other] = await topics('b', 'other');
    requests.length = 0;
    const unplanned = new SummaryParticipant(other!);
    const late = new TransactionalWriter<string>({
      kafka: counting,
      transactionalId: uniqueName('tx'),
      logger: silentLogger(),
      participants: [unplanned],
      lanes: 1,
    });
    await late.start();
    try {
      await late.write({
        records: [record(b!, 'k', 'm')],
        events: ['m'],
        deadlineAtMs: Date.now() + 30_000,
      });
      expect(registeredAfterFirstProduce(requests)).toBe(true);
      expect(await readAllCommitted(kafka, other!)).toHaveLength(1);
    } finally {
      await late.stop();
    }
  });

  it('writes nothing of a batch whose participant fails, and keeps working afterwards', async () => {
    const [a, summary] = await topics('a', 'summary');
    const participant = new SummaryParticipant(summary!);
    await withWriter({ participants: [participant] }, async (writer) => {
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
    });
  });

  it('fails a job whose deadline passed while queued, without writing it', async () => {
    const [a] = await topics('a');
    await withWriter({}, async (writer) => {
      await expect(
        writer.write({
          records: [record(a!, 'k', 'late')],
          events: [],
          deadlineAtMs: Date.now() - 1,
        }),
      ).rejects.toMatchObject({ code: 'KAFKA_TIMEOUT' });
      expect(await readAllCommitted(kafka, a!)).toEqual([]);
    });
  });

  it('fails only the job whose record Kafka refuses; its neighbours in the transaction are written', async () => {
    // The topic takes 10 KiB batches; the writer believes 2 MiB (a misconfigured topic), so the
    // refusal comes from Kafka itself, mid-transaction.
    const [small, summary] = await topicsWith({ 'max.message.bytes': '10240' }, 'small', 'summary');
    const participant = new SummaryParticipant(summary!);
    await withWriter({ participants: [participant] }, async (writer) => {
      const states: string[] = [];
      writer.onStateChange((state) => states.push(state));
      const records = Array.from({ length: 40 }, (_, i) =>
        i === 17 ? record(small!, 'k17', 'x'.repeat(50_000)) : record(small!, `k${i}`, `v${i}`),
      );
      const outcomes = await writeAll(writer, records);
      const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [[i, o.reason]] : []));
      expect(failed).toEqual([[17, expect.objectContaining({ code: 'KAFKA_RECORD_REJECTED' })]]);
      expect(states).not.toContain('unavailable'); // no other job saw Kafka as down
      const stored = (await readAllCommitted(kafka, small!)).map((r) => r.value.toString());
      expect(stored.sort()).toEqual(
        records
          .filter((_, i) => i !== 17)
          .map((r) => r.value.toString())
          .sort(),
      );
      expect(participant.abortedBatches).toBeGreaterThan(0);
    });
  });

  it('refuses at once a job whose records exceed the batch limit, and batches within it', async () => {
    const [small, summary] = await topicsWith({ 'max.message.bytes': '10240' }, 'small', 'summary');
    const participant = new SummaryParticipant(summary!);
    await withWriter(
      { participants: [participant], maxTopicBatchBytes: 10_240 },
      async (writer) => {
        await expect(
          writer.write({
            records: [record(small!, 'k', 'x'.repeat(20_000))],
            events: ['big'],
            deadlineAtMs: Date.now() + 30_000,
          }),
        ).rejects.toMatchObject({ code: 'KAFKA_RECORD_TOO_LARGE' });
        // 30 records of 3 KB on one key: never more than three per transaction.
        const records = Array.from({ length: 30 }, (_, i) =>
          record(small!, 'one-key', `${i}`.padEnd(3000, '.')),
        );
        const outcomes = await writeAll(writer, records);
        expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
        expect(participant.abortedBatches).toBe(0);
        expect(participant.committedBatches).toBeGreaterThanOrEqual(10);
        expect(await readAllCommitted(kafka, small!)).toHaveLength(30);
      },
    );
  });

  it('refuses a record for a topic that does not exist, naming it', async () => {
    await withWriter({}, async (writer) => {
      await expect(
        writer.write({
          records: [record('no.such.topic', 'k', 'x')],
          events: [],
          deadlineAtMs: Date.now() + 10_000,
        }),
      ).rejects.toMatchObject({ code: 'KAFKA_TOPIC_MISSING' });
    });
  });
});

function registeredAfterFirstProduce(requests: readonly string[]): boolean {
  return requests.indexOf('AddPartitionsToTxn', requests.indexOf('Produce')) !== -1;
}

/** `kafka` whose producers push the name of every request they send onto `requests`. */
function countingRequests(kafka: Kafka, requests: string[]): Kafka {
  return new Proxy(kafka, {
    get(target, property, receiver) {
      if (property !== 'producer') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<Kafka['producer']>) => {
        const producer = target.producer(...args);
        producer.on(producer.events.REQUEST, (event) => requests.push(event.payload.apiName));
        return producer;
      };
    },
  });
}

/** Runs `body` with a started writer under a fresh transactional id, and stops it afterwards. */
async function withWriter(
  options: Pick<TransactionalWriterOptions<string>, 'participants' | 'maxTopicBatchBytes'>,
  body: (writer: TransactionalWriter<string>) => Promise<void>,
): Promise<void> {
  const writer = new TransactionalWriter<string>({
    kafka: testKafkaClient(),
    transactionalId: uniqueName('tx'),
    logger: silentLogger(),
    ...options,
  });
  await writer.start();
  try {
    await body(writer);
  } finally {
    await writer.stop();
  }
}

async function eventuallyReady(writer: TransactionalWriter<string>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (writer.state !== 'ready') {
    if (Date.now() > deadline) throw new Error(`writer stuck in ${writer.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
