import { loadConfig } from '../../../src/config';
import { IntelrouteError } from '../../../src/core/errors';
import { diffTopics, describeChange, type ExistingTopic } from '../../../src/kafka/topic-diff';
import { planTopics, type TopicSpec } from '../../../src/kafka/topic-plan';

const topics = loadConfig({ env: {} }).topics;

function plan(brokerCount: number, overrides: Partial<typeof topics> = {}): TopicSpec[] {
  return planTopics({
    topics: { ...topics, ...overrides },
    memberCountries: ['FR', 'DE', 'FR'],
    brokerCount,
  });
}

describe('planTopics', () => {
  it('derives one inbox per member country and the shared topics', () => {
    expect(plan(1).map((spec) => spec.name)).toEqual([
      'intel.v1.country.DE',
      'intel.v1.country.FR',
      'intel.v1.secretariat',
      'intel.v1.wg.internet-drugs',
      'intel.v1.broadcast',
      'intel.v1.deadletter',
      'intel.v1.audit',
      'intel.v1.audit.heads',
      'intel.v1.idempotency',
      'intel.v1.directory.contact-points',
      'intel.v1.readers.processed',
      'intel.v1.selectors',
      'intel.v1.links.state',
      'intel.v1.requests.events',
      'intel.v1.requests.ledger',
    ]);
  });

  it('defaults to RF = min(3, brokers) and min ISR = RF - 1, at least 1', () => {
    expect(plan(1)[0]).toMatchObject({
      replicationFactor: 1,
      configs: { 'min.insync.replicas': '1' },
    });
    expect(plan(3)[0]).toMatchObject({
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
    expect(plan(5)[0]).toMatchObject({
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
  });

  it('compacts the directory, keeps the audit forever and never allows unclean elections', () => {
    const byName = new Map(plan(3).map((spec) => [spec.name, spec]));
    expect(byName.get('intel.v1.directory.contact-points')?.configs['cleanup.policy']).toBe(
      'compact',
    );
    expect(byName.get('intel.v1.audit')?.configs['retention.ms']).toBe('-1');
    for (const spec of byName.values()) {
      expect(spec.configs['unclean.leader.election.enable']).toBe('false');
    }
  });

  it('applies the prefix to every name', () => {
    expect(
      plan(1, { prefix: 'staging.' }).every((s) => s.name.startsWith('staging.intel.v1.')),
    ).toBe(true);
  });

  it('refuses a replication factor the cluster cannot hold, or a min ISR above it', () => {
    expect(() => plan(1, { replicationFactor: 3 })).toThrow(/needs at least 3 brokers/);
    try {
      plan(3, { replicationFactor: 2, minInsyncReplicas: 3 });
      throw new Error('expected a conflict');
    } catch (error) {
      expect((error as IntelrouteError).code).toBe('TOPIC_PLAN_CONFLICT');
    }
  });
});

describe('diffTopics', () => {
  const wanted = plan(3).slice(0, 2);
  const asExisting = (spec: TopicSpec, changes: Partial<ExistingTopic> = {}): ExistingTopic => ({
    name: spec.name,
    partitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    configs: { ...spec.configs },
    ...changes,
  });

  it('finds nothing to do when the cluster matches', () => {
    const existing = new Map(wanted.map((spec) => [spec.name, asExisting(spec)]));
    expect(diffTopics(wanted, existing)).toEqual({
      changes: [],
      upToDate: wanted.map((s) => s.name),
    });
  });

  it('creates missing topics, adds partitions and changes drifted configs', () => {
    const [de, fr] = wanted as [TopicSpec, TopicSpec];
    const existing = new Map([
      [
        fr.name,
        asExisting(fr, { partitions: 1, configs: { ...fr.configs, 'retention.ms': '1000' } }),
      ],
    ]);
    const { changes, upToDate } = diffTopics(wanted, existing);
    expect(upToDate).toEqual([]);
    expect(changes).toEqual([
      { kind: 'create', spec: de },
      { kind: 'add-partitions', name: fr.name, from: 1, to: 3 },
      {
        kind: 'alter-configs',
        name: fr.name,
        changes: [{ key: 'retention.ms', from: '1000', to: fr.configs['retention.ms'] }],
      },
    ]);
    expect(changes.map(describeChange)[1]).toBe(`~ ${fr.name}: partitions 1 -> 3`);
  });

  it('never adds partitions to a keyed log whose readers rely on key placement', () => {
    const audit = plan(1).find((spec) => spec.name === 'intel.v1.audit') as TopicSpec;
    const existing = new Map([[audit.name, asExisting(audit, { partitions: 1 })]]);
    const [change] = diffTopics([audit], existing).changes;
    expect(change).toMatchObject({ kind: 'conflict', name: audit.name });
  });

  it('reports what Kafka cannot change in place as conflicts', () => {
    const [de] = wanted as [TopicSpec];
    const existing = new Map([[de.name, asExisting(de, { partitions: 6, replicationFactor: 1 })]]);
    const kinds = diffTopics([de], existing).changes.map((c) => c.kind);
    expect(kinds).toEqual(['conflict', 'conflict']);
  });
});
