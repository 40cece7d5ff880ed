import type { Kafka, Producer } from 'kafkajs';
import { createTopicsAndWait } from '../../../src/kafka/topic-admin';
import { readTopicToEnd } from '../../../src/kafka/topic-reader';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';

/**
 * readTopicToEnd against a real broker. A transaction is acknowledged to its producer before
 * its commit markers are written; the reader must not stop at the last stable offset of that
 * moment, or it misses what was just acknowledged. An open transaction (decided while the read
 * runs) stands in for one whose markers are still being written: same offsets, deterministic.
 */
describe('readTopicToEnd', () => {
  const kafka: Kafka = testKafkaClient();
  const admin = kafka.admin();
  let producer: Producer;

  beforeAll(async () => {
    await admin.connect();
    producer = kafka.producer({
      transactionalId: uniqueName('reader-test'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  async function topicWithCommitted(values: string[]): Promise<string> {
    const topic = uniqueName('reader');
    await createTopicsAndWait(admin, [
      { name: topic, partitions: 2, replicationFactor: 1, configs: {} },
    ]);
    const transaction = await producer.transaction();
    await transaction.send({
      topic,
      messages: values.map((value, i) => ({ value, partition: i % 2 })),
    });
    await transaction.commit();
    return topic;
  }

  const valuesOf = (records: { value: Buffer | null }[]) =>
    records.map((r) => r.value?.toString()).sort();

  it.each([
    ['committed', ['a', 'b', 'c', 'd']],
    ['aborted', ['a', 'b']],
  ])(
    'reads what a transaction open at the call wrote once it is %s, and nothing it aborted',
    async (outcome, expected) => {
      const topic = await topicWithCommitted(['a', 'b']);
      const open = await producer.transaction();
      await open.send({
        topic,
        messages: [
          { value: 'c', partition: 0 },
          { value: 'd', partition: 1 },
        ],
      });
      let settled = false;
      const reading = readTopicToEnd({ kafka, admin, idleTimeoutMs: 20_000 }, topic).finally(
        () => (settled = true),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(settled).toBe(false); // it waits for the open transaction to be decided
      await (outcome === 'committed' ? open.commit() : open.abort());
      expect(valuesOf(await reading)).toEqual(expected);
    },
  );

  it('returns at once for a topic with nothing open', async () => {
    const topic = await topicWithCommitted(['x', 'y', 'z']);
    expect(valuesOf(await readTopicToEnd({ kafka, admin }, topic))).toEqual(['x', 'y', 'z']);
  });
});
