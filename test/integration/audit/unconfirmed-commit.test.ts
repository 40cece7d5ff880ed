import type { Kafka, Producer, Transaction } from 'kafkajs';
import { readHeads, startAuditedWriter, verifyChains, type AuditTopics } from '../../../src/audit';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { createTopicsAndWait } from '../../../src/kafka/topic-admin';
import type {
  LandedJob,
  TransactionalWriter,
  TransactionParticipant,
} from '../../../src/kafka/transactional-writer';
import { silentLogger } from '../../../src/telemetry/logger';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';
import { createTrailTopics, event, readTrail } from './audit-trail-fixtures';

jest.setTimeout(60_000);

/**
 * What a broker dying with a commit in flight looks like to the writer: the EndTxn request is
 * sent (or not) and the answer never comes back. `landed`: the commit reached the coordinator.
 */
type LostAnswer = { next: 'landed' | 'not-sent' | undefined };

/** `kafka` whose transactional producers lose the answer to the next commit as `lost` says. */
function losingCommitAnswers(kafka: Kafka, lost: LostAnswer): Kafka {
  const producer = (config: Parameters<Kafka['producer']>[0]): Producer => {
    const real = kafka.producer(config);
    const transaction = async (): Promise<Transaction> => {
      const open = await real.transaction();
      const commit = async (): Promise<void> => {
        const fault = lost.next;
        lost.next = undefined;
        if (fault !== 'not-sent') await open.commit();
        if (fault !== undefined) throw new Error('Connection closed (answer lost)');
      };
      return { ...open, commit };
    };
    return { ...real, transaction };
  };
  return Object.assign(Object.create(kafka) as Kafka, { producer });
}

/** Records which way each transaction went, as the gateway's idempotency memory learns it. */
class OutcomeRecorder implements TransactionParticipant<string> {
  readonly outcomes: string[] = [];
  private prepared: string[] = [];
  prepare(landed: readonly LandedJob<string>[]): [] {
    this.prepared = landed.flatMap((l) => l.job.events);
    return [];
  }
  committed(): void {
    this.outcomes.push(`committed ${this.prepared.join(',')}`);
  }
  aborted(): void {
    this.outcomes.push(`aborted ${this.prepared.join(',')}`);
  }
}

const kafka = testKafkaClient();
const admin = kafka.admin();
beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

async function startWriter(lost: LostAnswer, topics: AuditTopics, recorder: OutcomeRecorder) {
  return startAuditedWriter<string>({
    kafka: losingCommitAnswers(kafka, lost),
    admin,
    logger: silentLogger(),
    transactionalId: uniqueName('unconfirmed-writer'),
    chainId: uniqueName('chain'),
    auditTopics: topics,
    toFields: ({ job }) =>
      job.events.map((id) => event(AuditEvent.AUDIT_EVENT_ROUTED, id, Number(id.slice(1)))),
    participants: [recorder],
  });
}

function write(writer: TransactionalWriter<string>, topic: string, id: string) {
  const record = { topic, key: Buffer.from(id), value: Buffer.from(id), headers: {} };
  return writer.write({ records: [record], events: [id], deadlineAtMs: Date.now() + 20_000 });
}

function whenReady(writer: TransactionalWriter<string>): Promise<void> {
  if (writer.state === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const off = writer.onStateChange((state) => {
      if (state !== 'ready') return;
      off();
      resolve();
    });
  });
}

describe('a commit whose answer was lost', () => {
  it.each([
    ['landed', 'committed m1', ['m1', 'm2']],
    ['not-sent', 'aborted m1', ['m2']],
  ] as const)(
    'is read back from Kafka (%s): the chain goes on without a fork and every participant learns the truth',
    async (fault, firstOutcome, stored) => {
      const { topics, prefix } = await createTrailTopics(admin);
      const data = `${prefix}data`;
      await createTopicsAndWait(admin, [
        { name: data, partitions: 1, replicationFactor: 1, configs: {} },
      ]);
      const lost: LostAnswer = { next: undefined };
      const recorder = new OutcomeRecorder();
      const writer = await startWriter(lost, topics, recorder);
      try {
        lost.next = fault;
        await expect(write(writer, data, 'm1')).rejects.toMatchObject({
          code: 'KAFKA_UNAVAILABLE',
          message: expect.stringContaining('may or may not be stored'),
        });
        await whenReady(writer);
        await write(writer, data, 'm2');

        expect(recorder.outcomes).toEqual([firstOutcome, 'committed m2']);
        const records = await readAllCommitted(kafka, data);
        expect(records.map((r) => r.value?.toString())).toEqual(stored);
        const trail = await readTrail(kafka, topics);
        const report = verifyChains(trail.records, readHeads(trail.heads).heads);
        expect(report.chains.map((c) => [c.records, c.problem])).toEqual([
          [stored.length, undefined],
        ]);
      } finally {
        await writer.stop();
      }
    },
  );
});
