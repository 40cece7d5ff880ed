import { loadConfig, type TopicsConfig } from '../../../src/config';
import { applyTopicPlan, planAgainstCluster } from '../../../src/kafka/topic-provisioning';
import { describeExistingTopics } from '../../../src/kafka/topic-admin';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';

describe('topic provisioning against the broker', () => {
  const admin = testKafkaClient().admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  const topicsConfig = (overrides: Partial<TopicsConfig> = {}): TopicsConfig => ({
    ...loadConfig({ env: {} }).topics,
    prefix: `${uniqueName('prov')}.`,
    partitions: 2,
    ...overrides,
  });

  it('creates the plan once; a second apply changes nothing', async () => {
    const topics = topicsConfig();
    const input = { admin, topics, memberCountries: ['FR', 'DE'] };
    const first = await applyTopicPlan(input);
    expect(first.applied).toBe(true);
    expect(first.changes.filter((c) => c.kind === 'create')).toHaveLength(15);

    const second = await applyTopicPlan(input);
    expect(second).toEqual({ changes: [], upToDate: expect.any(Array), applied: false });
    expect(second.upToDate).toHaveLength(15);

    const existing = await describeExistingTopics(admin, [
      `${topics.prefix}intel.v1.directory.contact-points`,
    ]);
    expect([...existing.values()][0]).toMatchObject({
      partitions: 2,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '1' },
    });
  });

  it('adds partitions and changes drifted configs, and keeps overrides it does not manage', async () => {
    const topics = topicsConfig();
    const input = { admin, topics, memberCountries: ['FR'] };
    await applyTopicPlan(input);
    const inbox = `${topics.prefix}intel.v1.country.FR`;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name: inbox,
          configEntries: [
            ...Object.entries(
              (await describeExistingTopics(admin, [inbox])).get(inbox)?.configs ?? {},
            ).map(([name, value]) => ({ name, value })),
            { name: 'segment.ms', value: '3600000' },
          ],
        },
      ],
    });

    const grown = { ...input, topics: { ...topics, partitions: 4, messageRetentionMs: 3_600_000 } };
    const plan = await planAgainstCluster(grown);
    expect(plan.changes.filter((c) => c.kind === 'add-partitions')).toHaveLength(7);
    expect(plan.changes.filter((c) => c.kind === 'conflict')).toHaveLength(7);
    expect(plan.changes.filter((c) => c.kind === 'alter-configs')).toHaveLength(6);

    await applyTopicPlan(grown);
    const after = (await describeExistingTopics(admin, [inbox])).get(inbox);
    expect(after?.partitions).toBe(4);
    expect(after?.configs).toMatchObject({ 'retention.ms': '3600000', 'segment.ms': '3600000' });
    expect((await applyTopicPlan(grown)).applied).toBe(false);
  });

  it('reports a shrink as a conflict and leaves the topic alone', async () => {
    const topics = topicsConfig({ partitions: 3 });
    await applyTopicPlan({ admin, topics, memberCountries: ['FR'] });
    const result = await applyTopicPlan({
      admin,
      topics: { ...topics, partitions: 1 },
      memberCountries: ['FR'],
    });
    expect(result.changes.every((c) => c.kind === 'conflict')).toBe(true);
    expect(result.changes).toHaveLength(14);
    const inbox = `${topics.prefix}intel.v1.country.FR`;
    expect((await describeExistingTopics(admin, [inbox])).get(inbox)?.partitions).toBe(3);
  });
});
