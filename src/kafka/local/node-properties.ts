/** One node's place in a local KRaft cluster: every node is broker and controller at once. */
export interface LocalNodeSpec {
  readonly nodeId: number;
  readonly brokerPort: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly logDir: string;
  /** More PLAINTEXT listeners of this node (see ExtraListener). */
  readonly extraListeners?: readonly NodeListener[];
}

/** One extra listener of one node: where it listens, and the address it advertises. */
export interface NodeListener {
  /** Listener name, e.g. `PROXIED` (upper case; not PLAINTEXT or CONTROLLER). */
  readonly name: string;
  /** The port the node binds on 127.0.0.1. */
  readonly port: number;
  /** `host:port` the node tells clients that connected through this listener to use. */
  readonly advertised: string;
}

/**
 * Renders server.properties for one combined broker+controller node of an `all.length`-node
 * cluster on 127.0.0.1. Replication settings follow the cluster size (RF = min(3, nodes)), and
 * topics are never created implicitly: the topic plan creates them.
 */
export function renderServerProperties(node: LocalNodeSpec, all: readonly LocalNodeSpec[]): string {
  const replication = Math.min(3, all.length);
  const voters = all.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  const extra = node.extraListeners ?? [];
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': voters,
    listeners: [
      `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
      `CONTROLLER://127.0.0.1:${node.controllerPort}`,
      ...extra.map((l) => `${l.name}://127.0.0.1:${l.port}`),
    ].join(','),
    // Kafka answers metadata with the addresses of the listener a client connected through.
    'advertised.listeners': [
      `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
      ...extra.map((l) => `${l.name}://${l.advertised}`),
    ].join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': [
      'PLAINTEXT:PLAINTEXT',
      'CONTROLLER:PLAINTEXT',
      ...extra.map((l) => `${l.name}:PLAINTEXT`),
    ].join(','),
    'log.dirs': node.dataDir,
    'auto.create.topics.enable': false,
    'unclean.leader.election.enable': false,
    'num.partitions': 1,
    'default.replication.factor': replication,
    'offsets.topic.replication.factor': replication,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': Math.max(1, replication - 1),
    'transaction.state.log.num.partitions': 10,
    'group.initial.rebalance.delay.ms': 0,
    'num.io.threads': 4,
    'num.network.threads': 2,
    // A stopped node must hand its partitions over quickly in fault tests.
    'controlled.shutdown.enable': true,
    'broker.heartbeat.interval.ms': 500,
    'broker.session.timeout.ms': 6000,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, as
 * `kafka-storage random-uuid` prints it.
 */
export function clusterIdFrom(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError('a cluster id takes 16 bytes');
  return Buffer.from(bytes).toString('base64url');
}
