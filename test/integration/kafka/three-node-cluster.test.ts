import { loadConfig } from '../../../src/config';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { createTopicsAndWait } from '../../../src/kafka/topic-admin';
import { planTopics } from '../../../src/kafka/topic-plan';
import { LocalKafkaCluster } from '../../../src/kafka/local';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { uniqueName } from '../../helpers/kafka';

jest.setTimeout(180_000);

/**
 * The fault-test cluster: three KRaft nodes, RF 3, min ISR 2. Losing one node (SIGKILL) must not
 * stop acks=all writes; the node comes back and rejoins.
 */
describe('local 3-node cluster', () => {
  let cluster: LocalKafkaCluster;

  beforeAll(async () => {
    const config = loadConfig({ env: {} });
    cluster = await LocalKafkaCluster.start({
      ...config.localKafka,
      nodes: 3,
      env: process.env,
      stopGraceMs: 5000,
    });
  });
  afterAll(() => cluster?.stop());

  it('keeps accepting acks=all writes with one node killed, and takes it back', async () => {
    const kafka = createKafkaClient({
      brokers: cluster.brokers,
      clientId: 'three-node-test',
      logger: silentLogger(),
      retries: 12,
    });
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      const spec = planTopics({
        topics: { ...loadConfig({ env: {} }).topics, prefix: `${uniqueName('three')}.` },
        memberCountries: ['FR'],
        brokerCount: 3,
      })[0]!;
      expect(spec.replicationFactor).toBe(3);
      expect(spec.configs['min.insync.replicas']).toBe('2');
      await createTopicsAndWait(admin, [{ ...spec, partitions: 1 }]);
      const write = (from: number) =>
        producer.send({
          topic: spec.name,
          acks: -1,
          messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${from + i}` })),
        });
      await write(0);

      const [before] = await cluster.partitionLeaders(spec.name);
      expect(before?.isr).toHaveLength(3);
      const victim = before!.leader;
      await cluster.killNode(victim);
      expect(cluster.nodes().find((n) => n.nodeId === victim)?.state).toBe('stopped');

      await write(10);
      const [during] = await cluster.partitionLeaders(spec.name);
      expect(during?.leader).not.toBe(victim);
      expect(during?.isr).not.toContain(victim);

      await cluster.restartNode(victim);
      const [after] = await eventually(
        () => cluster.partitionLeaders(spec.name),
        ([p]) => p?.isr.length === 3,
        { timeoutMs: 60_000 },
      );
      expect(after?.isr).toContain(victim);
      const offsets = await admin.fetchTopicOffsets(spec.name);
      expect(offsets[0]?.high).toBe('20');
    } finally {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  });
});
