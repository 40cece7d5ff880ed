import { errorText, IntelrouteError, isIntelrouteError } from '../../core/errors';
import { ConsumerLagTracker } from '../../telemetry/consumer-lag-tracker';
import { noopIntelrouteMetrics, type IntelrouteMetrics } from '../../telemetry/intelroute-metrics';
import type { Logger } from '../../telemetry/logger';
import { GroupMember, type PartitionBatch } from '../group-member';
import {
  openKafkaConnection,
  type KafkaClient,
  type OwnedKafkaConnection,
} from '../kafka-connection';
import { Lifecycle, type FinalState, type LifecycleState } from '../../core/lifecycle';
import { PartitionPauses } from './partition-pauses';
import type { PartitionWork, RecordContext, StreamTask } from './stream-task';

/** The group settings of a stream (the compiled reader settings' units; unset: kafkajs's). */
export interface StreamSettings {
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly maxBytesPerPartition?: number;
  readonly partitionsConcurrently?: number;
}

/** What a stream runtime is built from. */
export interface StreamRuntimeOptions {
  readonly kafka: KafkaClient;
  /** Already named for the stream (component, group, ...). */
  readonly logger: Logger;
  /** In log lines and errors: `reader`, `keyed state processor`. */
  readonly name: string;
  readonly group: string;
  readonly topics: readonly string[];
  readonly settings: StreamSettings;
  /** The process's instruments (consumer lag); none: no metrics. */
  readonly metrics?: IntelrouteMetrics;
}

/**
 * The one stream runtime: a consumer group member reading read_committed that hands each
 * fetched batch to its task's partition work, in order per partition, partitions concurrently,
 * and commits — outputs and input offsets in one Kafka transaction — as the work says, and
 * always before the batch handler returns. A partition is fetched again only once its batch is
 * handled, so a slow task holds its partition back instead of buffering; a record to retry
 * pauses its partition for the backoff (the others go on) and is read again.
 *
 * Rebalances: kafkajs's TxnOffsetCommit carries no group generation (no KIP-447 fencing), so
 * nothing stops a late transaction from committing offsets of a partition another member now
 * reads. The runtime therefore commits what it handled before the batch handler returns (also
 * when a heartbeat reports a rebalance), and kafkajs rejoins only after every batch in hand has
 * returned: a partition changes hands only once its offsets are committed. After every (re)join
 * the task learns its partitions before any batch (see src/services/readers/README.md).
 */
export class StreamRuntime {
  private readonly logger: Logger;
  private readonly lifecycle = new Lifecycle();
  private readonly abort = new AbortController();
  private readonly pauses = new PartitionPauses();
  private readonly metrics: IntelrouteMetrics;
  private connection: OwnedKafkaConnection | undefined;
  private member: GroupMember | undefined;
  private lag: ConsumerLagTracker;
  private unobserveLag: () => void = () => undefined;

  constructor(
    private readonly stream: StreamRuntimeOptions,
    private readonly task: StreamTask,
  ) {
    this.logger = stream.logger;
    this.metrics = stream.metrics ?? noopIntelrouteMetrics();
    this.lag = new ConsumerLagTracker(stream.group);
  }

  get state(): LifecycleState {
    return this.lifecycle.state;
  }

  /** Called on every state change. Returns a function that removes the listener. */
  onStateChange(listener: (state: LifecycleState) => void): () => void {
    return this.lifecycle.onChange(listener);
  }

  /** Resolves with `stopped` after stop(), or `failed` when the consumer crashed for good. */
  whenStopped(): Promise<FinalState> {
    return this.lifecycle.whenStopped();
  }

  /**
   * Opens the task (its writer first), joins the group and resolves once the task is ready for
   * the first assignment.
   * @throws IntelrouteError KAFKA_UNAVAILABLE, KAFKA_TOPIC_MISSING, or the task's own (everything
   *   started is stopped).
   */
  async start(): Promise<void> {
    if (!this.lifecycle.beginStart()) return;
    try {
      await this.open();
    } catch (error) {
      await this.close('failed');
      if (isIntelrouteError(error)) throw error;
      const why = `${this.stream.name} cannot start: ${errorText(error)}`;
      throw new IntelrouteError('KAFKA_UNAVAILABLE', why, { cause: error });
    }
    this.lifecycle.started();
    this.logger.info({ topics: this.stream.topics }, `${this.stream.name} running`);
  }

  /**
   * Finishes the record in hand (a handler call runs to its end and is committed; a retry wait
   * is cut short, leaving that record uncommitted), leaves the group, closes the task.
   * Idempotent.
   */
  stop(): Promise<void> {
    return this.close('stopped');
  }

  private async open(): Promise<void> {
    this.connection = await openKafkaConnection(this.stream.kafka);
    await this.task.open(this.connection);
    if (this.abort.signal.aborted) {
      throw new IntelrouteError('SHUTTING_DOWN', `${this.stream.name} stopped`);
    }
    this.unobserveLag = this.metrics.observeConsumerLag(() => this.lag.samples());
    this.member = this.createMember();
    await this.task.ready(await this.member.start());
  }

  private createMember(): GroupMember {
    const { settings, group, topics } = this.stream;
    return new GroupMember(this.stream.kafka, {
      groupId: group,
      topics,
      logger: this.logger,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      partitionsConcurrently: settings.partitionsConcurrently,
      maxWaitTimeMs: 500,
      eachBatch: (batch) => this.eachBatch(batch),
      onJoin: (assignment) => {
        this.lag = new ConsumerLagTracker(group); // only partitions we own
        this.task.assigned(assignment);
      },
      // A fetch holding only commit markers or aborted records hands over nothing: the lag
      // moves past them here, so a caught-up stream reports 0 (the last offset is usually one).
      onEmptyFetch: (at) =>
        this.lag.record(at.topic, at.partition, at.highWatermark, at.lastOffset),
      onFailed: () => {
        if (this.lifecycle.state === 'running') void this.close('failed');
      },
    });
  }

  /**
   * Handles a fetched batch of one partition in order, committing when the work says so and
   * always before returning (see the class comment for why).
   */
  private async eachBatch(payload: PartitionBatch): Promise<void> {
    const { batch, heartbeat } = payload;
    const signal = this.abort.signal;
    const work = await this.task.begin(batch.topic, batch.partition, heartbeat);
    const context: RecordContext = {
      topic: batch.topic,
      partition: batch.partition,
      signal,
      heartbeat,
    };
    let handled = 0;
    try {
      for (const record of batch.messages) {
        if (!payload.isRunning() || payload.isStale() || signal.aborted) break;
        const outcome = await work.handle(record, context);
        if (outcome.kind === 'retry') {
          this.pauses.pauseFor(payload, outcome.delayMs);
          break;
        }
        payload.resolveOffset(record.offset);
        handled += 1;
        this.lag.record(batch.topic, batch.partition, batch.highWatermark, record.offset);
        if (!(await this.commitIfDue(work, context))) return;
        await heartbeat();
      }
    } catch (error) {
      // A rebalance (heartbeat) or a failure: commit what was handled while still a member.
      await work.commit({ heartbeat: async () => undefined, signal }).catch(() => false);
      if (isIntelrouteError(error, 'SHUTTING_DOWN')) return;
      throw error;
    }
    await work.commit(context);
    // All of it handled: the lag counts from the batch's last offset, a trailing commit marker
    // included (it is no record to read: a caught-up stream then reports 0).
    if (handled === batch.messages.length) {
      this.lag.record(batch.topic, batch.partition, batch.highWatermark, batch.lastOffset());
    }
  }

  /** Commits when due; false when the batch should end (commit failed, or the work yields). */
  private async commitIfDue(work: PartitionWork, context: RecordContext): Promise<boolean> {
    const due = work.due();
    if (due === 'no') return true;
    return (await work.commit(context)) && due === 'now';
  }

  /** Stops once, in reverse start order: group member (finishing the batch in hand), task, admin. */
  private close(final: FinalState): Promise<void> {
    return this.lifecycle.close(final, async () => {
      this.abort.abort();
      this.pauses.clear();
      await this.member?.leave();
      await this.task.close();
      await this.connection?.close();
      this.unobserveLag();
      this.logger.info({ state: final }, `${this.stream.name} stopped`);
    });
  }
}
