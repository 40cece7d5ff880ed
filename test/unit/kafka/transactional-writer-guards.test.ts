import type { Kafka, RecordMetadata, TopicMessages } from 'kafkajs';
import { isIntelrouteError } from '../../../src/errors';
import { TransactionalWriter } from '../../../src/kafka/transactional-writer';
import { silentLogger } from '../../../src/telemetry/logger';

const TOPIC = 'fault.guard.intel.v1.country.DE';

/**
 * kafkajs (2.2.4) `producer/sendMessages.js` retries a send that failed on one broker by
 * recomputing every partition's leader and sending to each broker that has no response yet,
 * keyed by Broker object. When a partition's leader moved to a broker that already answered,
 * its records are never sent (tulios/kafkajs#1303); when it moved to a broker without an answer
 * (or the Broker object was replaced by a metadata refresh), the partition is sent again with
 * sequence numbers already advanced past it, so the broker appends it a second time, and both
 * answers are returned. Inside a transaction both copies then commit together.
 *
 * The 3-node fault scenario (leader-bounce.test.ts) meets both: "no offset reported" failures,
 * and committed duplicates with the same receipt trace id at consecutive offsets (the ack names
 * the second copy). These tests feed the writer what kafkajs returns in each case.
 */
const never = (): Promise<never> => new Promise(() => undefined);

function stubKafka(
  answer: (topicMessages: TopicMessages[]) => RecordMetadata[],
  hang: { send?: boolean; commit?: boolean } = {},
): {
  kafka: Kafka;
  outcomes: string[];
} {
  const outcomes: string[] = [];
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({
        name,
        partitions: [{ partitionId: 0 }, { partitionId: 1 }],
      })),
    }),
  };
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    transaction: async () => ({
      sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) =>
        hang.send === true ? never() : answer(topicMessages),
      sendOffsets: async () => undefined,
      commit: async () => {
        outcomes.push('commit');
        if (hang.commit === true) await never();
      },
      abort: async () => {
        outcomes.push('abort');
      },
    }),
  };
  const kafka = { admin: () => admin, producer: () => producer } as unknown as Kafka;
  return { kafka, outcomes };
}

function metadata(partition: number, baseOffset: string): RecordMetadata {
  return { topicName: TOPIC, partition, errorCode: 0, baseOffset };
}

/** Two records with the same key (one partition), written as one job. */
async function writeOneJob(kafka: Kafka): Promise<unknown> {
  const writer = new TransactionalWriter<never>({
    kafka,
    transactionalId: 'guard',
    logger: silentLogger(),
    transactionTimeoutMs: 200,
  });
  await writer.start();
  try {
    const record = {
      topic: TOPIC,
      key: Buffer.from('case-1'),
      value: Buffer.from('x'),
      headers: {},
    };
    return await writer
      .write({ records: [record, record], events: [], deadlineAtMs: Date.now() + 10_000 })
      .then(
        (locations) => ({ acked: locations }),
        (error: unknown) => error,
      );
  } finally {
    await writer.stop();
  }
}

describe('the transactional writer against kafkajs resend failures', () => {
  it('fails (and aborts) a transaction in which kafkajs never sent a partition (#1303)', async () => {
    const { kafka, outcomes } = stubKafka(() => []);
    const outcome = await writeOneJob(kafka);
    expect(isIntelrouteError(outcome, 'KAFKA_UNAVAILABLE')).toBe(true);
    expect(outcomes).toEqual(['abort']);
  });

  it('acknowledges a partition answered once, at its base offset', async () => {
    const { kafka, outcomes } = stubKafka((sent) => {
      const partition = sent[0]?.messages[0]?.partition ?? 0;
      return [metadata(partition, '41')];
    });
    const outcome = (await writeOneJob(kafka)) as { acked: Array<{ offset: string }> };
    expect(outcome.acked.map((l) => l.offset)).toEqual(['41', '42']);
    expect(outcomes).toEqual(['commit']);
  });

  it('fails (and aborts) a transaction in which kafkajs wrote one partition twice', async () => {
    const { kafka, outcomes } = stubKafka((sent) => {
      const partition = sent[0]?.messages[0]?.partition ?? 0;
      // The first broker's answer is kept; the re-sent copy is answered by another broker.
      return [metadata(partition, '343'), metadata(partition, '441')];
    });
    const outcome = await writeOneJob(kafka);
    expect(isIntelrouteError(outcome, 'KAFKA_UNAVAILABLE')).toBe(true);
    expect(outcomes).toEqual(['abort']);
  });

  it('gives up on a send that never answers (a frozen connection) with a timeout', async () => {
    const { kafka, outcomes } = stubKafka(() => [], { send: true });
    const outcome = await writeOneJob(kafka);
    expect(isIntelrouteError(outcome, 'KAFKA_TIMEOUT')).toBe(true);
    expect(outcomes).toEqual([]);
  });

  it('reports a commit that never answers as of unknown outcome, to be retried', async () => {
    const { kafka, outcomes } = stubKafka(
      (sent) => [metadata(sent[0]?.messages[0]?.partition ?? 0, '7')],
      { commit: true },
    );
    const outcome = await writeOneJob(kafka);
    expect(isIntelrouteError(outcome, 'KAFKA_UNAVAILABLE')).toBe(true);
    expect((outcome as Error).message).toMatch(/may or may not be stored/);
    expect(outcomes).toEqual(['commit']);
  });
});
