import { Kafka } from 'kafkajs';
import { loadConfig } from '../../../src/config';
import { readerStream, type StreamSelector } from '../../../src/services/readers/reader-streams';
import { TOPICS, countryOfTopic, countryTopic } from '../../../src/contract/topic-names';
import { linkDetectorGroups } from '../../../src/services/links/detector/link-detector';
import { requestLedgerGroups } from '../../../src/services/requests/request-ledger';
import { planTopics } from '../../../src/kafka/topic-plan';
import { AuditIndex } from '../../../src/console/audit-index';
import { AuditTail } from '../../../src/console/audit-tail';
import { silentLogger } from '../../../src/telemetry/logger';
import { list, obj, type Doc } from './deploy-files';
import { containers, nameOf, ofKind, readKustomization } from './kustomize-tree';

const tree = readKustomization();
const kafka = ofKind(tree, 'Kafka')[0] as Doc;
const cluster = nameOf(kafka);
const sharedEnv = Object.fromEntries(tree.configMaps.get('intelroute-env')?.literals ?? []);

interface Acl {
  readonly type: string;
  readonly name?: string;
  readonly patternType?: string;
  readonly operations: string[];
}

function acls(user: Doc): Acl[] {
  return list(obj(obj(user.spec).authorization).acls).map((entry) => ({
    ...(obj(obj(entry).resource) as unknown as Omit<Acl, 'operations'>),
    operations: list(obj(entry).operations).map(String),
  }));
}

/** Resource names the user may do `operation` on, as `literal:name` or `prefix:name` (the cluster: `literal:kafka-cluster`). */
function allowed(user: Doc, type: string, operation: string): string[] {
  return acls(user)
    .filter((acl) => acl.type === type && acl.operations.includes(operation))
    .map((acl) => `${acl.patternType ?? 'literal'}:${acl.name ?? 'kafka-cluster'}`)
    .sort();
}

/** What each reader workload reads, from its command line. */
function streamOf(args: string[]): StreamSelector {
  if (args[1] === 'country') return { kind: 'country-inbox', country: args[2] as string };
  return { kind: args[1] as 'secretariat' | 'working-group' };
}

/** The topics every process resumes from at start (its audit head; readers, their dedupe memory). */
const SYSTEM_READS = [TOPICS.auditHeads, TOPICS.readersProcessed];
/** What a reader's commit transaction writes: processed marks, audit records and heads, dead letters. */
const COMMIT_WRITES = [TOPICS.readersProcessed, TOPICS.audit, TOPICS.auditHeads, TOPICS.deadLetter];
/** Every member country's inbox, as one prefix. */
const INBOXES = countryTopic('');
const TOPIC_READER_GROUPS = 'prefix:intelroute-topic-reader-';

const userNamed = (name: string) =>
  ofKind(tree, 'KafkaUser').find((u) => nameOf(u) === name) as Doc;
const literal = (names: readonly string[]) => names.map((n) => `literal:${n}`);
const declaredTopics = ofKind(tree, 'KafkaTopic').map((t) => String(obj(t.spec).topicName));

describe('Strimzi resources', () => {
  it('uses the Strimzi v1 API and Kafka 4.x, without the annotations Strimzi 0.48+ ignores', () => {
    const strimzi = tree.docs.filter((doc) =>
      String(doc.apiVersion).startsWith('kafka.strimzi.io/'),
    );
    expect(strimzi.length).toBeGreaterThan(200);
    for (const doc of strimzi) {
      expect([doc.kind, nameOf(doc), doc.apiVersion]).toEqual([
        doc.kind,
        nameOf(doc),
        'kafka.strimzi.io/v1',
      ]);
      const annotations = Object.keys(obj(obj(doc.metadata).annotations));
      expect(
        annotations.filter((a) => ['strimzi.io/kraft', 'strimzi.io/node-pools'].includes(a)),
      ).toEqual([]);
    }
    const spec = obj(obj(kafka.spec).kafka);
    const [major, minor] = String(spec.version).split('.').map(Number);
    expect(major).toBeGreaterThanOrEqual(4);
    // The metadata version names the same release line (4.3-IV0 for 4.3.x).
    expect(String(spec.metadataVersion)).toMatch(new RegExp(`^${major}\\.${minor}-IV\\d+$`));
    expect(obj(kafka.spec).zookeeper).toBeUndefined();
    expect(spec.replicas).toBeUndefined();
    expect(spec.storage).toBeUndefined();
  });

  it('runs Kafka in KRaft mode with node pools: an odd controller quorum and brokers', () => {
    const pools = ofKind(tree, 'KafkaNodePool');
    for (const pool of pools)
      expect(obj(obj(pool.metadata).labels)['strimzi.io/cluster']).toBe(cluster);
    const controllers = pools.filter((p) => list(obj(p.spec).roles).includes('controller'));
    const replicas = controllers.reduce((sum, p) => sum + Number(obj(p.spec).replicas), 0);
    expect(replicas % 2 === 1 && replicas >= 3).toBe(true);
    expect(pools.some((p) => list(obj(p.spec).roles).includes('broker'))).toBe(true);
  });

  it('accepts clients only over mutual TLS, with ACLs enforced', () => {
    const spec = obj(obj(kafka.spec).kafka);
    for (const listener of list(spec.listeners).map(obj)) {
      expect([listener.tls, obj(listener.authentication).type]).toEqual([true, 'tls']);
    }
    expect(obj(spec.authorization).type).toBe('simple');
    for (const user of ofKind(tree, 'KafkaUser')) {
      expect(obj(obj(user.metadata).labels)['strimzi.io/cluster']).toBe(cluster);
      expect(obj(obj(user.spec).authentication).type).toBe('tls');
    }
  });

  it('declares exactly the topics `intelroute topics plan` derives for the configured members', () => {
    const config = loadConfig({ env: sharedEnv });
    const brokers = ofKind(tree, 'KafkaNodePool')
      .filter((p) => list(obj(p.spec).roles).includes('broker'))
      .reduce((sum, p) => sum + Number(obj(p.spec).replicas), 0);
    const plan = planTopics({
      topics: config.topics,
      memberCountries: config.topics.memberCountries,
      brokerCount: brokers,
    });
    const declared = ofKind(tree, 'KafkaTopic').map((topic) => {
      expect(obj(obj(topic.metadata).labels)['strimzi.io/cluster']).toBe(cluster);
      const spec = obj(topic.spec);
      return {
        name: spec.topicName,
        partitions: spec.partitions,
        replicationFactor: spec.replicas,
        configs: spec.config,
      };
    });
    expect(declared).toEqual(
      plan.map(({ name, partitions, replicationFactor, configs }) => ({
        name,
        partitions,
        replicationFactor,
        configs,
      })),
    );
  });

  it('lets each reader read only its own stream’s topics and its own group', () => {
    const readers = ofKind(tree, 'StatefulSet').filter(
      (set) => list(containers(set)[0]?.args)[0] === 'consume',
    );
    expect(readers).toHaveLength(3);
    for (const reader of readers) {
      const stream = readerStream(streamOf(list(containers(reader)[0]?.args).map(String)), '');
      const user = ofKind(tree, 'KafkaUser').find(
        (u) => nameOf(u) === `intelroute-${nameOf(reader)}`,
      ) as Doc;
      expect(allowed(user, 'topic', 'Read')).toEqual(
        [...stream.topics, ...SYSTEM_READS].map((t) => `literal:${t}`).sort(),
      );
      expect(allowed(user, 'group', 'Read')).toEqual(
        [`literal:${stream.group}`, 'prefix:intelroute-topic-reader-'].sort(),
      );
      expect(allowed(user, 'transactionalId', 'Write')).toEqual([`prefix:${stream.group}.`]);
      expect(acls(user).some((acl) => acl.patternType === 'prefix' && acl.type === 'topic')).toBe(
        false,
      );
    }
  });

  it('lets the gateway write every intelroute topic, and read only what it resumes from and serves', () => {
    const config = loadConfig({ env: sharedEnv });
    const user = ofKind(tree, 'KafkaUser').find((u) => nameOf(u) === 'intelroute-gateway') as Doc;
    expect(allowed(user, 'topic', 'Write')).toEqual(['prefix:intel.v1.']);
    // Resumes from idempotency and audit heads; gRPC Subscribe reads the streams and directory.
    const streams = [
      TOPICS.broadcast,
      TOPICS.secretariat,
      TOPICS.workingGroup,
      TOPICS.contactPointDirectory,
    ];
    // Subscribe serves every member's inbox: one prefix, which names only the inboxes.
    expect(allowed(user, 'topic', 'Read')).toEqual(
      [...literal([TOPICS.auditHeads, TOPICS.idempotency, ...streams]), `prefix:${INBOXES}`].sort(),
    );
    const underPrefix = declaredTopics.filter((t) => t.startsWith(INBOXES));
    expect(underPrefix.map((t) => countryOfTopic(t)).sort()).toEqual(
      [...config.topics.memberCountries].sort(),
    );
    expect(allowed(user, 'topic', 'Read')).not.toContain(`literal:${TOPICS.audit}`);
    expect(allowed(user, 'group', 'Read')).toEqual([
      'prefix:intelroute-topic-reader-',
      'prefix:intelroute.subscriber.',
    ]);
    // Its pods are named gateway-* (their instance ids): transactional ids `intelroute-gateway-*`.
    const gateways = ofKind(tree, 'Deployment').filter(
      (d) => list(containers(d)[0]?.args)[0] === 'gateway',
    );
    expect(gateways.map(nameOf)).toEqual(['gateway']);
    expect(allowed(user, 'transactionalId', 'Write')).toEqual([
      'prefix:intelroute-gateway-',
      'prefix:intelroute.subscriptions.',
    ]);
  });

  it('grants idempotent writes on the cluster to every writer, and to nobody else', () => {
    const users = ofKind(tree, 'KafkaUser');
    const writers = users.filter((u) => allowed(u, 'topic', 'Write').length > 0);
    // The ops console reads only.
    expect(users.filter((u) => !writers.includes(u)).map(nameOf)).toEqual(['intelroute-console']);
    for (const user of users) {
      expect([nameOf(user), allowed(user, 'cluster', 'IdempotentWrite')]).toEqual([
        nameOf(user),
        writers.includes(user) ? ['literal:kafka-cluster'] : [],
      ]);
    }
  });

  it('lets the ops console read the audit trail and describe groups and topics for lag, and write nothing', () => {
    const user = userNamed('intelroute-console');
    // Its own throwaway group, as AuditTail names it.
    const kafka = new Kafka({ clientId: 'deploy-test', brokers: ['127.0.0.1:9'] });
    const consumer = jest.spyOn(kafka, 'consumer');
    new AuditTail({
      kafka,
      logger: silentLogger(),
      topic: TOPICS.audit,
      index: new AuditIndex({ maxMessages: 100, maxRefusals: 10 }),
      instanceId: 'console-pod-0',
    });
    const group = String(consumer.mock.calls[0]?.[0].groupId);
    const ownGroups = acls(user).filter(
      (acl) =>
        acl.type === 'group' && acl.patternType === 'prefix' && group.startsWith(String(acl.name)),
    );
    expect(ownGroups.map((acl) => acl.operations)).toEqual([['Read', 'Delete']]);
    const operations = new Set(acls(user).flatMap((acl) => acl.operations));
    expect([...operations].sort()).toEqual(['Delete', 'Describe', 'Read']);
    for (const type of ['topic', 'transactionalId', 'cluster']) {
      expect(allowed(user, type, 'Write')).toEqual([]);
    }
    expect(acls(user).filter((acl) => acl.type === 'transactionalId')).toEqual([]);
    // The trail and the chain heads, read as `audit verify` reads them (throwaway groups).
    expect(allowed(user, 'topic', 'Read')).toEqual(literal([TOPICS.audit, TOPICS.auditHeads]));
    expect(allowed(user, 'group', 'Read')).toEqual(
      [`prefix:${String(ownGroups[0]?.name)}`, TOPIC_READER_GROUPS].sort(),
    );
    expect(allowed(user, 'group', 'Delete')).toEqual(allowed(user, 'group', 'Read'));
    // Lag: every group listed and described; every declared topic's offsets.
    expect(allowed(user, 'group', 'Describe')).toEqual(['literal:*']);
    const describedPrefixes = acls(user)
      .filter((acl) => acl.type === 'topic' && acl.patternType === 'prefix')
      .filter((acl) => acl.operations.includes('Describe'))
      .map((acl) => String(acl.name));
    for (const topic of declaredTopics) {
      expect([topic, describedPrefixes.some((p) => topic.startsWith(p))]).toEqual([topic, true]);
    }
    expect(allowed(user, 'cluster', 'Describe')).toEqual(['literal:kafka-cluster']);
  });

  it('lets the link detector read the Secretariat stream and its own stages’ topics and groups', () => {
    const user = userNamed('intelroute-link-detector');
    const groups = linkDetectorGroups('');
    const own = [TOPICS.linkSelectors, TOPICS.linkState];
    expect(allowed(user, 'topic', 'Read')).toEqual(
      literal([TOPICS.secretariat, TOPICS.contactPointDirectory, ...own, ...SYSTEM_READS]).sort(),
    );
    expect(allowed(user, 'topic', 'Write')).toEqual(literal([...own, ...COMMIT_WRITES]).sort());
    expect(allowed(user, 'group', 'Read')).toEqual(
      [
        ...literal([groups.observer, groups.index]),
        'prefix:intelroute.directory.',
        TOPIC_READER_GROUPS,
      ].sort(),
    );
    expect(allowed(user, 'transactionalId', 'Write')).toEqual(
      [`prefix:${groups.index}.`, `prefix:${groups.observer}.`].sort(),
    );
  });

  it('lets the request ledger read every inbox and the Secretariat stream, and its own stages’ topics', () => {
    const user = userNamed('intelroute-request-ledger');
    const groups = requestLedgerGroups('');
    const own = [TOPICS.requestEvents, TOPICS.requestLedger];
    expect(allowed(user, 'topic', 'Read')).toEqual(
      [...literal([TOPICS.secretariat, ...own, ...SYSTEM_READS]), `prefix:${INBOXES}`].sort(),
    );
    expect(allowed(user, 'topic', 'Write')).toEqual(literal([...own, ...COMMIT_WRITES]).sort());
    expect(allowed(user, 'group', 'Read')).toEqual(
      [...literal([groups.ledger, groups.observer]), TOPIC_READER_GROUPS].sort(),
    );
    expect(allowed(user, 'transactionalId', 'Write')).toEqual(
      [`prefix:${groups.ledger}.`, `prefix:${groups.observer}.`].sort(),
    );
  });

  it('grants only topics that are declared (a literal names one, a prefix covers some)', () => {
    for (const user of ofKind(tree, 'KafkaUser')) {
      for (const acl of acls(user).filter((a) => a.type === 'topic')) {
        const name = String(acl.name);
        const covered =
          acl.patternType === 'prefix'
            ? declaredTopics.some((t) => t.startsWith(name))
            : declaredTopics.includes(name);
        expect([nameOf(user), name, covered]).toEqual([nameOf(user), name, true]);
      }
    }
  });
});
