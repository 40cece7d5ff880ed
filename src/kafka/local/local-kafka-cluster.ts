import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaAdmin, KafkaClient } from '../kafka-connection';
import { IntelrouteError } from '../../core/errors';
import { createKafkaClient } from '../kafka-client';
import { silentLogger, type Logger } from '../../telemetry/logger';
import {
  clusterFolder,
  saveCluster,
  type ClusterFolder,
  type SavedCluster,
} from './cluster-folder';
import { findFreePorts, portsFree } from './free-port';
import { findJava } from './java-runtime';
import { ensureKafkaJars } from './kafka-jars';
import { KafkaNodeProcess, type KafkaNodeState, type NodeExit } from './kafka-node-process';
import { brokerLoggingFor } from './broker-logging';
import {
  clusterIdFrom,
  renderServerProperties,
  type LocalNodeSpec,
  type NodeListener,
} from './node-properties';
import { formatStorage } from './storage-format';
import { verifyCoordinators, verifyWritable, waitForBrokers } from './readiness';

export interface LocalKafkaOptions {
  readonly nodes: number;
  readonly version: string;
  readonly heapMb: number;
  readonly startTimeoutMs: number;
  readonly cacheDir: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Grace for a controlled shutdown before SIGKILL. */
  readonly stopGraceMs?: number;
  /** More listeners on every node, e.g. one advertised behind a fault-injecting proxy. */
  readonly extraListeners?: readonly ExtraListener[];
  /**
   * A folder the cluster keeps its data in across restarts (its ports and cluster id too), so a
   * restart finds every message; none: a temp folder removed by stop().
   */
  readonly dataDir?: string | null;
}

/**
 * A PLAINTEXT listener every node opens on a free port of its own, advertising the address
 * `advertised(nodeId)` instead of that port. Kafka answers metadata with the addresses of the
 * listener a client connected through, so a client bootstrapped at the advertised address keeps
 * going through it (a proxy listening there and forwarding to `listenerAddress(name, nodeId)`
 * sees all of that client's traffic), while the cluster's own traffic stays on PLAINTEXT.
 */
export interface ExtraListener {
  /** Upper case, e.g. `PROXIED`; not PLAINTEXT or CONTROLLER. */
  readonly name: string;
  /** `host:port` node `nodeId` advertises on this listener. */
  readonly advertised: (nodeId: number) => string;
}

export interface LocalNodeInfo {
  readonly nodeId: number;
  readonly address: string;
  readonly state: KafkaNodeState;
  readonly pid: number | undefined;
  readonly logFile: string;
}

export interface PartitionLeader {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

type ClusterState = 'running' | 'stopping' | 'stopped';

/**
 * A real Apache Kafka cluster (KRaft, every node broker+controller) on 127.0.0.1, for
 * development, tests and benchmarks. Data lives in `dataDir`, kept across restarts, or in a temp
 * folder removed by stop(); when a start fails the folder is kept and the error names the broker
 * log.
 */
export class LocalKafkaCluster {
  private state: ClusterState = 'running';

  private constructor(
    private readonly processes: readonly KafkaNodeProcess[],
    private readonly specs: readonly LocalNodeSpec[],
    private readonly folder: ClusterFolder,
    private readonly options: LocalKafkaOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Fetches the jars if needed, formats storage, starts every node and waits until the cluster
   * answers metadata requests with all nodes and accepts an acks=all write.
   * @throws IntelrouteError JAVA_MISSING, MAVEN_MISSING, KAFKA_JARS_FETCH_FAILED, KAFKA_START_FAILED
   */
  static async start(options: LocalKafkaOptions): Promise<LocalKafkaCluster> {
    const logger = (options.logger ?? silentLogger()).child({ component: 'local-kafka' });
    const java = findJava(options.env);
    const libsDir = await ensureKafkaJars({
      version: options.version,
      cacheDir: options.cacheDir,
      env: options.env,
      onProgress: (line) => logger.info(line),
    });
    const extra = checkExtraListeners(options.extraListeners ?? []);
    const folder = clusterFolder(options.dataDir, options.nodes);
    const { rootDir } = folder;
    const perNode = 2 + extra.length;
    const ports = await nodePorts(folder.saved, options.nodes, perNode, logger);
    const specs = Array.from({ length: options.nodes }, (_, index) => {
      const nodeId = index + 1;
      const own = ports[index] as number[];
      const listeners: NodeListener[] = extra.map((listener, at) => ({
        name: listener.name,
        port: own[2 + at] as number,
        advertised: listener.advertised(nodeId),
      }));
      return nodeSpec(rootDir, nodeId, own[0] as number, own[1] as number, listeners);
    });
    const clusterId = folder.saved?.clusterId ?? newClusterId();
    const logging = brokerLoggingFor(options.version);
    const processes = await Promise.all(
      specs.map(async (spec) => {
        const nodeDir = path.dirname(spec.dataDir);
        const propertiesFile = path.join(nodeDir, 'server.properties');
        const loggingFile = path.join(nodeDir, logging.fileName);
        writeFileSync(propertiesFile, renderServerProperties(spec, specs));
        writeFileSync(loggingFile, logging.render(spec.logDir));
        const loggingFlag = logging.jvmFlag(loggingFile);
        // A kept node's storage is formatted already: its data is what the restart is for.
        if (!existsSync(path.join(spec.dataDir, 'meta.properties'))) {
          await formatStorage(java.executable, libsDir, clusterId, propertiesFile, loggingFlag);
        }
        return new KafkaNodeProcess({
          spec,
          javaExecutable: java.executable,
          libsDir,
          heapMb: options.heapMb,
          propertiesFile,
          loggingFlag,
        });
      }),
    );
    saveCluster(folder, { clusterId, nodes: options.nodes, ports });
    const cluster = new LocalKafkaCluster(processes, specs, folder, options, logger);
    const kept = folder.kept;
    logger.info({ nodes: options.nodes, dir: rootDir, kept, version: options.version }, 'starting');
    processes.forEach((node) => node.launch());
    try {
      await cluster.waitUntilReady(processes.map((node) => node.nodeId));
      await verifyWritable(cluster.client(), Math.min(3, options.nodes));
      await verifyCoordinators(cluster.client());
    } catch (cause) {
      await Promise.all(processes.map((node) => node.kill()));
      throw cluster.startFailure(cause);
    }
    logger.info({ brokers: cluster.brokers.join(',') }, 'local Kafka is ready');
    return cluster;
  }

  /** The folder of the nodes' data and logs. */
  get rootDir(): string {
    return this.folder.rootDir;
  }

  /** Bootstrap addresses of every node, `127.0.0.1:port`. */
  get brokers(): string[] {
    return this.specs.map((spec) => `127.0.0.1:${spec.brokerPort}`);
  }

  nodes(): LocalNodeInfo[] {
    return this.processes.map((node, index) => ({
      nodeId: node.nodeId,
      address: this.brokers[index] as string,
      state: node.state,
      pid: node.pid,
      logFile: node.logFile,
    }));
  }

  /**
   * Where node `nodeId` really listens on extra listener `name` (`127.0.0.1:port`), as opposed to
   * the address it advertises there.
   */
  listenerAddress(name: string, nodeId: number): string {
    this.node(nodeId); // RangeError for a node that does not exist
    const listener = this.specOf(nodeId).extraListeners?.find((l) => l.name === name);
    if (listener === undefined) throw new RangeError(`node ${nodeId} has no listener ${name}`);
    return `127.0.0.1:${listener.port}`;
  }

  /**
   * Calls `listener` when a node's JVM exits without being told to (killed by someone else, out
   * of memory, a failed disk): the cluster lost it. Returns the unsubscribe.
   */
  onNodeCrash(
    listener: (crash: { nodeId: number; logFile: string } & NodeExit) => void,
  ): () => void {
    const stops = this.processes.map((node) =>
      node.onCrash((exit) => listener({ nodeId: node.nodeId, logFile: node.logFile, ...exit })),
    );
    return () => stops.forEach((stop) => stop());
  }

  /** SIGKILL one node. */
  async killNode(nodeId: number): Promise<void> {
    await this.node(nodeId).kill();
  }

  /** SIGTERM one node (controlled shutdown) and wait for it to exit. */
  async stopNode(nodeId: number): Promise<void> {
    await this.node(nodeId).stop(this.options.stopGraceMs ?? 15000);
  }

  /** SIGSTOP / SIGCONT one node: it hangs with its sockets open, as a frozen host would. */
  pauseNode(nodeId: number): void {
    this.node(nodeId).pause();
  }

  resumeNode(nodeId: number): void {
    this.node(nodeId).resume();
  }

  /** Starts a stopped or killed node again on its old ports and data, and waits for it to rejoin. */
  async restartNode(nodeId: number): Promise<void> {
    const node = this.node(nodeId);
    if (node.state === 'running' || node.state === 'paused') return;
    node.launch();
    try {
      await this.waitUntilReady([nodeId]);
    } catch (cause) {
      throw this.startFailure(cause);
    }
  }

  /**
   * The current leader, replicas and in-sync replicas of each partition of `topic`. Asked again
   * for up to 15 s on failure: for a few seconds after a node dies the metadata still names it,
   * and kafkajs sends a metadata request to a broker of its metadata picked at random, failing
   * at once (ECONNREFUSED, not retried) when that is the dead one.
   */
  async partitionLeaders(topic: string): Promise<PartitionLeader[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        return await this.readPartitionLeaders(topic);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  }

  private async readPartitionLeaders(topic: string): Promise<PartitionLeader[]> {
    const admin = this.adminClient();
    try {
      await admin.connect();
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      return partitions
        .map((p) => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
        }))
        .sort((a, b) => a.partition - b.partition);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Stops every node (controlled, then SIGKILL after the grace) and removes the data unless it
   * is kept (`dataDir`). Idempotent.
   */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    const grace = this.options.stopGraceMs ?? 15000;
    await Promise.all(this.processes.map((node) => node.stop(grace)));
    if (!this.folder.kept) rmSync(this.rootDir, { recursive: true, force: true });
    this.state = 'stopped';
    this.logger.info({ kept: this.folder.kept ? this.rootDir : null }, 'local Kafka stopped');
  }

  private node(nodeId: number): KafkaNodeProcess {
    const node = this.processes.find((candidate) => candidate.nodeId === nodeId);
    if (node === undefined) throw new RangeError(`no local Kafka node ${nodeId}`);
    return node;
  }

  private adminClient(): KafkaAdmin {
    return this.client().admin();
  }

  private client(): KafkaClient {
    return createKafkaClient({
      brokers: this.processes
        .filter((node) => node.state === 'running')
        .map((node) => `127.0.0.1:${this.specOf(node.nodeId).brokerPort}`),
      clientId: 'intelroute-local-kafka',
      logger: silentLogger(),
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 5000,
      retries: 2,
    });
  }

  private specOf(nodeId: number): LocalNodeSpec {
    return this.specs.find((spec) => spec.nodeId === nodeId) as LocalNodeSpec;
  }

  private waitUntilReady(nodeIds: readonly number[]): Promise<void> {
    return waitForBrokers({
      admin: () => this.adminClient(),
      nodeIds,
      timeoutMs: this.options.startTimeoutMs,
      crashed: () =>
        this.processes.filter((node) => node.state === 'crashed').map((node) => node.nodeId),
    });
  }

  private startFailure(cause: unknown): IntelrouteError {
    const logs = this.processes.map((node) => node.logFile);
    const tail = logs
      .filter((file) => existsSync(file))
      .map((file) => `--- last lines of ${file}\n${lastLines(file, 15)}`)
      .join('\n');
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new IntelrouteError(
      'KAFKA_START_FAILED',
      `local Kafka did not start: ${reason}\nbroker logs: ${logs.join(', ')}\n${tail}`,
      { cause, details: { logs } },
    );
  }
}

function nodeSpec(
  rootDir: string,
  nodeId: number,
  brokerPort: number,
  controllerPort: number,
  extraListeners: readonly NodeListener[],
): LocalNodeSpec {
  const nodeDir = path.join(rootDir, `node-${nodeId}`);
  const spec: LocalNodeSpec = {
    nodeId,
    brokerPort,
    controllerPort,
    dataDir: path.join(nodeDir, 'data'),
    logDir: path.join(nodeDir, 'logs'),
    ...(extraListeners.length > 0 ? { extraListeners } : {}),
  };
  mkdirSync(spec.dataDir, { recursive: true });
  mkdirSync(spec.logDir, { recursive: true });
  return spec;
}

/**
 * The extra listeners, checked: distinct upper-case names other than the built-in ones.
 * @throws RangeError naming the first bad listener
 */
export function checkExtraListeners(listeners: readonly ExtraListener[]): readonly ExtraListener[] {
  const seen = new Set<string>(['PLAINTEXT', 'CONTROLLER']);
  for (const { name } of listeners) {
    if (!/^[A-Z][A-Z0-9_]{0,30}$/.test(name) || seen.has(name)) {
      throw new RangeError(`extra listener name "${name}" is reserved, repeated or not A-Z0-9_`);
    }
    seen.add(name);
  }
  return listeners;
}

/**
 * A random cluster id that does not start with '-' (the storage tool would read it as an
 * option), as Kafka's own Uuid.randomUuid() ensures.
 */
/**
 * The ports of each node: those a kept cluster used before when they are all free (clients and
 * the nodes themselves find it where it was), else new free ones.
 */
async function nodePorts(
  saved: SavedCluster | undefined,
  nodes: number,
  perNode: number,
  logger: Logger,
): Promise<number[][]> {
  const before = saved?.ports.map((own) => [...own]);
  if (before !== undefined && before.every((own) => own.length === perNode)) {
    if (await portsFree(before.flat())) return before;
    logger.warn({ ports: before.flat() }, 'ports of the kept cluster are taken: new ones chosen');
  }
  const ports = await findFreePorts(nodes * perNode);
  return Array.from({ length: nodes }, (_, index) =>
    ports.slice(index * perNode, (index + 1) * perNode),
  );
}

function newClusterId(): string {
  for (;;) {
    const id = clusterIdFrom(randomBytes(16));
    if (!id.startsWith('-')) return id;
  }
}

function lastLines(file: string, count: number): string {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}
