import { auditTopicsFor } from '../../audit';
import { TOPICS } from '../../contract/topic-names';
import { IntelrouteError, isIntelrouteError } from '../../errors';
import type { TransactionalWriter } from '../../kafka/transactional-writer';
import type { HeadSigner } from '../../audit/head-signature';
import { GroupMember, type PartitionBatch } from '../../kafka/group-member';
import {
  openKafkaConnection,
  type KafkaClient,
  type OwnedKafkaConnection,
} from '../../kafka/kafka-connection';
import { ConsumerLagTracker } from '../../telemetry/consumer-lag-tracker';
import { noopIntelrouteMetrics, type IntelrouteMetrics } from '../../telemetry/intelroute-metrics';
import type { Logger } from '../../telemetry/logger';
import { ProcessedIds } from '../dedupe/processed-ids';
import type { ReaderStream } from '../reader-streams';
import { processRecordTraced } from './message-processor';
import { PendingCommit } from './pending-commit';
import { pendingCommitDeps, processorDeps } from './reader-deps';
import type { ReaderEvent } from './reader-events';
import type { ReaderSettings } from './reader-settings';
import type { MessageHandler, ReaderState } from './reader-types';
import { startReaderWriter } from './reader-writer';
import { PartitionPauses } from './partition-pauses';
import { awaitWithHeartbeat } from './pause';
import { RetryBook } from './retry-book';

/** What a reader runtime is built from (the composition root passes it in). */
export interface ReaderRuntimeOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  /** Topics (prefix applied), group and name of the reader. */
  readonly stream: ReaderStream;
  /** Names the transactional id (`<group>.<instanceId>`) and the audit chain (the id itself). */
  readonly instanceId: string;
  /** The deployment's topic prefix, for the processed, dead-letter and audit topics. */
  readonly topicPrefix: string;
  readonly handler: MessageHandler;
  readonly settings: ReaderSettings;
  /** The process's instruments (startTelemetry); none: no metrics. */
  readonly metrics?: IntelrouteMetrics;
  /** Signs the reader's audit chain heads (none: unsigned, refused by `audit verify`). */
  readonly signer?: HeadSigner;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * The consumer runtime every reader runs on: a kafkajs consumer group member reading
 * read_committed, which hands each message to the handler and commits — offsets, processed marks
 * and audit records in one Kafka transaction — only once the handler succeeded (or gave up and
 * the message went to the dead-letter topic). Partitions run concurrently, each strictly in
 * order; a partition is fetched again only once its fetched batch is handled, so a slow sink
 * holds its partition back instead of buffering (memory is bounded by the fetch size). A
 * partition commits the run of messages it handled together (PendingCommit): once
 * `commitMaxMessages` wait or the oldest waited `commitMaxDelayMs`, and always before its batch
 * handler returns.
 *
 * Rebalances: kafkajs's TxnOffsetCommit carries no group generation (no KIP-447 fencing), so
 * nothing stops a late transaction from committing offsets of a partition another member now
 * reads. The runtime therefore commits what it handled before the batch handler returns (also
 * when a heartbeat reports a rebalance), and kafkajs rejoins only after every batch in hand has
 * returned: a partition changes hands only once its offsets are committed. After every (re)join
 * the processed ids are reloaded, so marks the previous owner of a partition wrote are known
 * before its messages are handled. See src/consumers/README.md for what "once" covers.
 */
export class ReaderRuntime {
  private currentState: ReaderState = 'idle';
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly listeners = new Set<(state: ReaderState) => void>();
  private connection: OwnedKafkaConnection | undefined;
  private writer: TransactionalWriter<ReaderEvent> | undefined;
  private member: GroupMember | undefined;
  private processedIds: ProcessedIds | undefined;
  private refresh: Promise<void> | undefined;
  private readonly retries = new RetryBook();
  private readonly pauses = new PartitionPauses();
  private readonly metrics: IntelrouteMetrics;
  private lag: ConsumerLagTracker;
  private unobserveLag: () => void = () => undefined;
  private closing: Promise<void> | undefined;
  private readonly stopped: Promise<ReaderState>;
  private settleStopped: (state: ReaderState) => void = () => undefined;

  constructor(private readonly options: ReaderRuntimeOptions) {
    this.logger = options.logger.child({
      component: 'reader',
      reader: options.stream.name,
      group: options.stream.group,
      instanceId: options.instanceId,
    });
    this.stopped = new Promise((resolve) => (this.settleStopped = resolve));
    this.metrics = options.metrics ?? noopIntelrouteMetrics();
    this.lag = new ConsumerLagTracker(options.stream.group);
  }

  get state(): ReaderState {
    return this.currentState;
  }

  /** Called on every state change. Returns a function that removes the listener. */
  onStateChange(listener: (state: ReaderState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with `stopped` after stop(), or `failed` when the consumer crashed for good. */
  whenStopped(): Promise<ReaderState> {
    return this.stopped;
  }

  /**
   * Starts the writer (fencing a predecessor with the same instance id), loads the audit chain
   * and the processed ids, joins the group. Resolves once the first assignment is known.
   * @throws IntelrouteError KAFKA_UNAVAILABLE, KAFKA_TOPIC_MISSING (everything started is stopped).
   */
  async start(): Promise<void> {
    if (this.currentState !== 'idle') return;
    this.setState('starting');
    try {
      await this.open();
    } catch (error) {
      await this.close('failed');
      if (isIntelrouteError(error)) throw error;
      throw new IntelrouteError('KAFKA_UNAVAILABLE', `reader cannot start: ${text(error)}`, {
        cause: error,
      });
    }
    if (!this.abort.signal.aborted) this.setState('running');
    this.logger.info({ topics: this.options.stream.topics }, 'reader running');
  }

  /**
   * Finishes the message in hand (a handler call runs to its end and is committed; a retry wait
   * is cut short, leaving that message uncommitted), leaves the group, stops the writer.
   * Idempotent.
   */
  stop(): Promise<void> {
    return this.close('stopped');
  }

  private async open(): Promise<void> {
    const { kafka, stream, topicPrefix, settings, instanceId } = this.options;
    const connection = await openKafkaConnection(kafka);
    this.connection = connection;
    this.writer = await startReaderWriter({
      kafka,
      admin: connection.admin,
      logger: this.logger,
      transactionalId: `${stream.group}.${instanceId}`,
      chainId: instanceId,
      auditTopics: auditTopicsFor(topicPrefix),
      ...(this.options.signer === undefined ? {} : { signer: this.options.signer }),
    });
    if (this.abort.signal.aborted) throw new IntelrouteError('SHUTTING_DOWN', 'reader stopped');
    this.processedIds = new ProcessedIds({
      reader: connection,
      topic: `${topicPrefix}${TOPICS.readersProcessed}`,
      group: stream.group,
      windowMs: settings.dedupeWindowMs,
      maxEntries: settings.dedupeMaxEntries,
      logger: this.logger,
      ...(this.options.now === undefined ? {} : { now: this.options.now }),
    });
    this.unobserveLag = this.metrics.observeConsumerLag(() => this.lag.samples());
    this.member = this.createMember();
    await this.member.start();
    // The load the first join started; awaited as it was, so a failure fails the start.
    const firstLoad = this.refresh;
    if (firstLoad !== undefined) await firstLoad;
  }

  private createMember(): GroupMember {
    const { settings, stream } = this.options;
    return new GroupMember(this.options.kafka, {
      groupId: stream.group,
      topics: stream.topics,
      logger: this.logger,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxWaitTimeMs: 500,
      partitionsConcurrently: settings.partitionsConcurrently,
      eachBatch: (batch) => this.eachBatch(batch),
      onJoin: () => {
        this.retries.clear();
        this.lag = new ConsumerLagTracker(stream.group); // only partitions we own
        this.startRefresh();
      },
      // A fetch holding only commit markers or aborted records hands over nothing: the lag
      // moves past them here, so a caught-up reader reports 0 (the last offset is usually one).
      onEmptyFetch: (at) =>
        this.lag.record(at.topic, at.partition, at.highWatermark, at.lastOffset),
      onFailed: () => {
        if (this.currentState === 'running') void this.close('failed');
      },
    });
  }

  /** Reloads the processed ids; a failed load is retried by the next batch. */
  private startRefresh(): void {
    const ids = this.processedIds as ProcessedIds;
    const refresh = ids.load();
    this.refresh = refresh;
    refresh.catch((error: unknown) => {
      this.logger.error({ err: text(error) }, 'loading processed ids failed; will retry');
      if (this.refresh === refresh) this.refresh = undefined;
    });
  }

  /**
   * Handles a fetched batch of one partition in order, committing as it goes (PendingCommit) and
   * always before returning, so kafkajs, which rejoins the group only once every batch in hand
   * has returned, never hands the partition over with handled messages uncommitted. kafkajs
   * fetches again only once every batch of a fetch returned, so the batch never waits long:
   * a message to retry pauses its partition for the backoff (the others go on) and is read
   * again; a slow sink yields the partition once its commit is due by age.
   */
  private async eachBatch(payload: PartitionBatch): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    await this.awaitRefresh(heartbeat);
    const signal = this.abort.signal;
    const pending = this.pendingCommit(batch.topic, batch.partition);
    const commit = { heartbeat, signal };
    const deps = processorDeps(this.options, this.ids(), this.retries, this.logger);
    let handled = 0;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || signal.aborted) break;
        const location = { topic: batch.topic, partition: batch.partition, offset: message.offset };
        const result = await processRecordTraced(deps, location, message, signal);
        if (result.kind === 'retry') {
          this.pauses.pauseFor(payload, result.delayMs);
          break;
        }
        pending.add(result.entry, message.offset);
        resolveOffset(message.offset);
        handled += 1;
        this.lag.record(batch.topic, batch.partition, batch.highWatermark, message.offset);
        if (pending.due) {
          const slow = pending.dueByAge;
          if (!(await pending.flush(commit)) || slow) return;
        }
        await heartbeat();
      }
    } catch (error) {
      // A rebalance (heartbeat) or a failure: commit what was handled while still a member.
      await pending.flush({ heartbeat: async () => undefined, signal }).catch(() => false);
      throw error;
    }
    await pending.flush(commit);
    // All of it handled: the lag counts from the batch's last offset, a trailing commit marker
    // included (it is no record to read: a caught-up reader then reports 0).
    if (handled === batch.messages.length) {
      this.lag.record(batch.topic, batch.partition, batch.highWatermark, batch.lastOffset());
    }
  }

  private pendingCommit(topic: string, partition: number): PendingCommit {
    const deps = pendingCommitDeps(this.options, this.ids(), this.writer, this.logger);
    return new PendingCommit({ ...deps, metrics: this.metrics }, topic, partition);
  }

  private ids(): ProcessedIds {
    if (this.processedIds === undefined) {
      throw new IntelrouteError('INTERNAL', 'processed ids used before the reader started');
    }
    return this.processedIds;
  }

  /** Waits for the processed ids of this generation, heartbeating so the group keeps us. */
  private async awaitRefresh(heartbeat: () => Promise<void>): Promise<void> {
    if (this.refresh === undefined) this.startRefresh();
    const every = this.options.settings.heartbeatIntervalMs;
    await awaitWithHeartbeat(this.refresh as Promise<void>, heartbeat, every);
  }

  /** Stops once, in reverse start order: group member (finishing the batch in hand), writer, admin. */
  private close(final: 'stopped' | 'failed'): Promise<void> {
    this.closing ??= this.closeOnce(final);
    return this.closing;
  }

  private async closeOnce(final: 'stopped' | 'failed'): Promise<void> {
    this.setState('stopping');
    this.abort.abort();
    this.pauses.clear();
    await this.member?.leave();
    await this.writer?.stop();
    await this.connection?.close();
    this.unobserveLag();
    this.setState(final);
    this.logger.info({ state: final }, 'reader stopped');
    this.settleStopped(final);
  }

  private setState(state: ReaderState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of this.listeners) listener(state);
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
