import { testKafkaClient, uniqueName } from '../../helpers/kafka';

describe('the test broker', () => {
  const kafka = testKafkaClient();
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('takes acks=all writes and hands the same bytes, keys and headers to a consumer group', async () => {
    const topic = uniqueName('test.roundtrip');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const sent = Array.from({ length: 50 }, (_, i) => ({
      key: `case-${i % 5}`,
      value: Buffer.from([0, 255, i, 10, 13]),
      headers: { 'message-id': `m-${i}` },
    }));
    const acks = await producer.send({ topic, acks: -1, messages: sent });
    expect(acks.map((ack) => ack.errorCode)).toEqual(acks.map(() => 0));

    const consumer = kafka.consumer({ groupId: uniqueName('test.group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Array<{ key: string; value: Buffer; id: string; partition: number }> = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.push({
            key: String(message.key),
            value: message.value as Buffer,
            id: String(message.headers?.['message-id']),
            partition,
          });
          if (received.length === sent.length) resolve();
        },
      });
    });
    await consumer.disconnect();

    const byId = new Map(received.map((r) => [r.id, r]));
    for (const [i, message] of sent.entries()) {
      expect(byId.get(`m-${i}`)?.value.equals(message.value)).toBe(true);
      expect(byId.get(`m-${i}`)?.key).toBe(message.key);
    }
    // Same key, same partition: per-case order is what readers rely on.
    const partitionOfKey = new Map<string, Set<number>>();
    for (const r of received)
      partitionOfKey.set(r.key, (partitionOfKey.get(r.key) ?? new Set()).add(r.partition));
    for (const partitions of partitionOfKey.values()) expect(partitions.size).toBe(1);
  });
});
