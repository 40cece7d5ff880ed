import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import {
  openKafkaConnection,
  type KafkaClient,
  type KafkaConnection,
  type OwnedKafkaConnection,
} from '../kafka/kafka-connection';
import { auditTopicsFor, startAuditedWriter } from '../audit';
import type { HeadSigner } from '../audit/head-signature';
import {
  diffGrants,
  EMPTY_GRANTS,
  loadGrants,
  loadPublishPolicy,
  type GrantTable,
} from '../core/authorization';
import type { GatewayConfig, IntelrouteConfig } from '../config';
import { loadContractDefinition } from '../contract/contract-definition';
import { TOPICS } from '../contract/topic-names';
import type { TransactionalWriter, WriterState } from '../kafka/transactional-writer';
import { Lifecycle } from '../core/lifecycle';
import { KafkaLiveness } from '../kafka/kafka-liveness';
import { loadRuleSet, type RuleSet } from '../core/routing';
import { noopIntelrouteMetrics, type IntelrouteMetrics, type Logger } from '../telemetry';
import { gatewayAuditFields } from './gateway-audit';
import type { ConfigEvent, GatewayEvent } from './gateway-events';
import { ConnectionGuard } from './grpc/connection-guard';
import { GatewayServer } from './grpc/gateway-server';
import { publishHandler, publishStreamHandler } from './grpc/publish-handlers';
import { gatewayCredentials, type GatewayCredentials } from './grpc/server-credentials';
import { OpenCalls } from './grpc/open-calls';
import { StreamRegistry } from './grpc/stream-registry';
import { TokenBuckets } from './grpc/token-bucket';
import { PendingBytes } from './grpc/pending-bytes';
import { subscribeHandler } from './grpc/subscribe-handler';
import type { GatewayRefusal } from './gateway-refusal';
import { SubscriptionService } from '../services/readers/subscription';
import { readerSettings } from '../services/readers/runtime/reader-settings';
import { IdempotencyParticipant, loadIdempotencyStore } from './idempotency-participant';
import { IdempotencyStore } from './idempotency-store';
import { PublishPipeline } from './publish-pipeline';
import { WatchedDocument } from './watched-document';
import { WatchedSchemas } from './watched-schemas';
import { errorText } from '../core/errors';

export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly topicPrefix: string;
  readonly memberCountries: readonly string[];
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The process's instruments (no-ops when telemetry is not started, e.g. in tests). */
  readonly metrics?: IntelrouteMetrics;
  /** Reader settings of the Subscribe service (gRPC delivery of a stream's messages). */
  readonly readers: Pick<IntelrouteConfig, 'readers' | 'topics'>;
  /** Signs the gateway's audit chain heads (auditSigner: its TLS key by default). */
  readonly signer?: HeadSigner;
}

/**
 * The gateway component: loads its documents, connects its Kafka writer (with the audit trail and
 * the idempotency memory as transaction participants), and serves gRPC. `stop()` drains in order:
 * health off → stop reading streams → answer what is in hand → end streams (UNAVAILABLE) → flush
 * the writer → close.
 */
export class Gateway {
  private readonly lifecycle = new Lifecycle();
  private readonly logger: Logger;
  private readonly now: () => number;
  private connection: OwnedKafkaConnection | undefined;
  private readonly streams: StreamRegistry;
  private readonly metrics: IntelrouteMetrics;
  private readonly openCalls = new OpenCalls();
  private rules!: WatchedDocument<RuleSet>;
  private schemas!: WatchedSchemas;
  private grants: WatchedDocument<GrantTable> | undefined;
  private writer!: TransactionalWriter<GatewayEvent>;
  private pipeline!: PublishPipeline;
  private server!: GatewayServer;
  private credentials!: GatewayCredentials;
  private guard!: ConnectionGuard;
  private liveness!: KafkaLiveness;
  private subscriptions!: SubscriptionService;
  private instance = '';

  constructor(private readonly deps: GatewayDeps) {
    this.logger = deps.logger.child({ component: 'gateway' });
    this.now = deps.now ?? Date.now;
    this.streams = new StreamRegistry(deps.config.maxStreamsPerIdentity);
    this.metrics = deps.metrics ?? noopIntelrouteMetrics();
  }

  get port(): number {
    return this.server.port;
  }

  get instanceId(): string {
    return this.instance;
  }

  get writerState(): WriterState {
    return this.writer?.state ?? 'stopped';
  }

  /**
   * True while serving with a writable Kafka and room for more connections (the readiness
   * probe; gRPC health says the same).
   */
  get ready(): boolean {
    return this.lifecycle.state === 'running' && this.canServe();
  }

  private canServe(): boolean {
    return (
      this.writerState === 'ready' &&
      this.liveness?.alive !== false &&
      this.guard?.saturation === undefined
    );
  }

  /** Messages being processed now. */
  get inFlight(): number {
    return this.pipeline?.inFlightCount ?? 0;
  }

  /** @throws IntelrouteError when a document is invalid, TLS is missing or Kafka is unreachable. */
  async start(): Promise<void> {
    if (!this.lifecycle.beginStart()) return;
    const { config } = this.deps;
    this.instance =
      config.instanceId ??
      `gateway-${os.hostname()}-${config.port === 0 ? randomUUID().slice(0, 8) : config.port}`;
    this.credentials = gatewayCredentials(config);
    const documents = this.loadDocuments();
    const connection = await openKafkaConnection(this.deps.kafka);
    this.connection = connection;
    const store = new IdempotencyStore(config.idempotencyWindowMs, config.idempotencyMaxEntries);
    const { writer, loaded } = await this.createWriter(store, connection);
    this.writer = writer;
    this.pipeline = new PublishPipeline({
      ...documents,
      store,
      writer,
      logger: this.logger,
      now: this.now,
      metrics: this.metrics,
      memberCountries: new Set(this.deps.memberCountries),
      settings: {
        topicPrefix: this.deps.topicPrefix,
        instanceId: this.instance,
        maxPayloadBytes: config.maxPayloadBytes,
        maxFutureSkewMs: config.maxFutureSkewMs,
        replyDeadlinesMs: config.replyDeadlinesMs,
      },
    });
    this.subscriptions = new SubscriptionService({
      kafka: this.deps.kafka,
      logger: this.logger,
      topicPrefix: this.deps.topicPrefix,
      instanceId: this.instance,
      settings: readerSettings(this.deps.readers),
      defaultMaxInFlight: this.deps.readers.readers.subscriptionDefaultMaxInFlight,
      maxInFlightLimit: this.deps.readers.readers.subscriptionMaxInFlightLimit,
      metrics: this.metrics,
      ...(this.deps.signer === undefined ? {} : { signer: this.deps.signer }),
    });
    await this.subscriptions.start();
    // Kafka's death is noticed without traffic (the writer learns it only from a write).
    this.liveness = new KafkaLiveness({
      kafka: this.deps.kafka,
      logger: this.logger,
      onChange: () => this.server?.setServing(this.canServe()),
    });
    this.liveness.start();
    this.guard = new ConnectionGuard({
      limits: config,
      settingsTimeoutMs: config.http2SettingsTimeoutMs,
      logger: this.logger.child({ part: 'connections' }),
      metrics: this.metrics,
      now: this.now,
      onSaturationChange: () => this.server?.setServing(this.canServe()),
    });
    this.server = this.createServer();
    writer.onStateChange(() => this.server.setServing(this.canServe()));
    await this.server.start();
    this.server.setServing(this.canServe());
    this.rules.watch();
    this.schemas.watch();
    this.grants?.watch();
    this.lifecycle.started();
    this.logger.info(
      {
        instanceId: this.instance,
        port: this.server.port,
        idempotencyEntries: loaded,
        tls: !this.credentials.insecureDev,
      },
      'gateway serving',
    );
    if (this.credentials.insecureDev) {
      this.logger.warn(
        'INSECURE DEVELOPMENT MODE: plaintext gRPC, identities taken from the intelroute-dev-identity header. Never expose this.',
      );
    }
  }

  /** SIGHUP: re-read rules, grants and the CRL now. */
  reload(): void {
    this.rules.reload();
    this.schemas.reload();
    this.grants?.reload();
    try {
      this.credentials.reloadCrl();
      const ended = this.openCalls.endRevoked(this.credentials.isRevoked);
      if (ended > 0) this.logger.warn({ ended }, 'open calls of revoked certificates ended');
    } catch (error) {
      this.logger.error({ err: String(error) }, 'CRL reload rejected; previous CRL kept');
    }
  }

  /** Drains and stops (see the class comment). Idempotent; a gateway never started has nothing to stop. */
  stop(): Promise<void> {
    if (this.lifecycle.state === 'idle') return Promise.resolve();
    return this.lifecycle.close('stopped', () => this.drainAndClose());
  }

  private async drainAndClose(): Promise<void> {
    const grace = this.deps.config.shutdownGraceMs;
    this.server?.setServing(false);
    this.rules?.close();
    this.schemas?.close();
    this.grants?.close();
    await withTimeout(this.streams.drainAll(), grace);
    // Ends every Subscribe call (acks received are committed; unacked deliveries come again).
    await this.subscriptions?.stop();
    await this.server?.stop(Math.max(1000, grace / 4));
    await this.pipeline?.flushBackground();
    await this.writer?.stop();
    await this.liveness?.stop();
    await this.connection?.close();
    this.logger.info('gateway stopped');
  }

  private loadDocuments() {
    const { config } = this.deps;
    this.schemas = new WatchedSchemas({
      schemasDir: config.schemasDir,
      retiredVersions: config.retiredSchemaVersions,
      logger: this.logger,
      onChange: (added) =>
        this.recordConfig('schemas', 'payload schemas reloaded', {
          added: added.join(', '),
        }),
      onRejected: (error) =>
        this.recordConfig('schemas', `payload schemas reload rejected: ${errorText(error)}`, {}),
    });
    const policy = loadPublishPolicy(readFileSync(config.policyFile, 'utf8'));
    this.rules = new WatchedDocument({
      file: config.rulesFile,
      parse: loadRuleSet,
      logger: this.logger,
      onChange: () => this.recordConfig('rules', 'routing rules reloaded', {}),
      onRejected: (error) =>
        this.recordConfig('rules', `routing rules reload rejected: ${String(error)}`, {}),
    });
    if (config.grantsFile !== null) {
      const members = new Set(this.deps.memberCountries);
      this.grants = new WatchedDocument({
        file: config.grantsFile,
        parse: (text) => loadGrants(text, { memberCountries: members }),
        logger: this.logger,
        onChange: (before, after) => this.recordGrantChanges(before, after),
        onRejected: (error) =>
          this.recordConfig('grants', `grants reload rejected: ${String(error)}`, {}),
      });
    }
    return {
      registry: this.schemas,
      policy,
      rules: () => this.rules.current,
      grants: () => this.grants?.current ?? EMPTY_GRANTS,
    };
  }

  /**
   * The audited writer (started: its producer fences any predecessor under the same instance id
   * before the chain head is read), with the idempotency memory loaded from Kafka.
   */
  private async createWriter(store: IdempotencyStore, connection: KafkaConnection) {
    const prefix = this.deps.topicPrefix;
    const kafkaDeps = { kafka: connection.kafka, admin: connection.admin, logger: this.logger };
    const writer = await startAuditedWriter<GatewayEvent>({
      ...kafkaDeps,
      transactionalId: `intelroute-${this.instance}`,
      chainId: this.instance,
      auditTopics: auditTopicsFor(prefix),
      toFields: gatewayAuditFields,
      participants: [new IdempotencyParticipant(store, `${prefix}${TOPICS.idempotency}`, prefix)],
      maxBatchJobs: this.deps.config.maxBatchMessages,
      maxTopicBatchBytes: this.deps.readers.topics.maxMessageBytes,
      ...(this.deps.signer === undefined ? {} : { signer: this.deps.signer }),
    });
    // Loaded after the writer started: its initTransactions fenced (and aborted) whatever a
    // crashed predecessor left open, so the read_committed load is not held back by it.
    try {
      const loaded = await loadIdempotencyStore(
        kafkaDeps,
        `${prefix}${TOPICS.idempotency}`,
        store,
        this.now(),
      );
      return { writer, loaded };
    } catch (error) {
      await writer.stop();
      throw error;
    }
  }

  private createServer(): GatewayServer {
    const { config } = this.deps;
    const handlerDeps = {
      pipeline: this.pipeline,
      buckets: new TokenBuckets(config.rateLimitPerSecond, config.rateLimitBurst),
      // Refusals before the pipeline: up to 20 audited at once per caller, then one every 5 s.
      auditBudget: new TokenBuckets(0.2, 20),
      isRevoked: this.credentials.isRevoked,
      openCalls: this.openCalls,
      streams: this.streams,
      insecureDev: this.credentials.insecureDev,
      publishTimeoutMs: config.publishTimeoutMs,
      maxInFlightPerStream: config.maxInFlightPerStream,
      pending: new PendingBytes({
        total: config.maxPendingBytes,
        perIdentity: config.maxPendingBytesPerIdentity,
      }),
      now: this.now,
      shuttingDown: () => this.lifecycle.closed,
      metrics: this.metrics,
    };
    return new GatewayServer({
      ...config,
      contract: loadContractDefinition(),
      guard: this.guard,
      credentials: this.credentials.credentials,
      handlers: {
        publish: publishHandler(handlerDeps),
        publishStream: publishStreamHandler(handlerDeps),
        subscribe: subscribeHandler({
          subscriptions: this.subscriptions,
          grants: () => this.grants?.current ?? EMPTY_GRANTS,
          insecureDev: this.credentials.insecureDev,
          now: this.now,
          logger: this.logger,
          auditRefusal: (identity, stream, refusal) =>
            this.recordSubscribeRefusal(identity, stream, refusal),
          isRevoked: this.credentials.isRevoked,
          openCalls: this.openCalls,
          metrics: this.metrics,
        }),
      },
    });
  }

  private recordSubscribeRefusal(identity: string, stream: string, refusal: GatewayRefusal): void {
    const at = new Date(this.now());
    this.auditBehind({ kind: 'subscribe-refused', at, identity, stream, refusal });
  }

  private recordGrantChanges(before: GrantTable, after: GrantTable): void {
    const changes = Object.fromEntries(
      diffGrants(before, after).map((change, index) => [String(index), JSON.stringify(change)]),
    );
    this.recordConfig('grants', 'delegated-access grants changed', changes);
  }

  private recordConfig(
    what: ConfigEvent['what'],
    description: string,
    changes: Record<string, string>,
  ): void {
    this.auditBehind({ kind: 'config', what, at: new Date(this.now()), description, changes });
  }

  /** Writes an audit-only event behind the caller's back (a failure is logged, not thrown). */
  private auditBehind(event: GatewayEvent & { at: Date }): void {
    if (this.writer === undefined || this.writer.state !== 'ready') {
      this.logger.warn({ event: event.kind }, 'event not audited: Kafka writer not ready');
      return;
    }
    this.writer
      .write({ records: [], events: [event], deadlineAtMs: event.at.getTime() + 30_000 })
      .catch((error: unknown) =>
        this.logger.error({ err: String(error), event: event.kind }, 'event not audited'),
      );
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
