import { errorText, IntelrouteError } from '../../../core/errors';
import type { Envelope } from '../../../contract/generated/intelroute/v1/envelope';
import type { RecordLocation, TransactionalWriter } from '../../../kafka/transactional-writer';
import type { SubscribeStreamMetrics } from '../../../telemetry/intelroute-metrics';
import type { Logger } from '../../../telemetry/logger';
import { decodeRecord } from '../runtime/decode-record';
import { factsOf, type MessageFacts, type ReaderEvent } from '../runtime/reader-events';
import type { ReaderSettings } from '../runtime/reader-settings';
import { Lifecycle, type FinalState, type LifecycleState } from '../../../core/lifecycle';
import { AckTracker } from './ack-tracker';
import { CommitFlusher } from './commit-flusher';
import { filterVerdict, type SubscriptionFilter } from './subscription-filter';
import { GroupMember, type PartitionBatch } from '../../../kafka/group-member';
import type { KafkaClient } from '../../../kafka/kafka-connection';
import { committedOffsetsVisible } from '../../../kafka/committed-offsets';

/** How long stop() waits for its last acks to be what a new subscription resumes from. */
const RESUME_VISIBLE_TIMEOUT_MS = 5000;

/** One message handed to the subscriber. Ack it by `deliveryId` once stored. */
export interface SubscriptionDelivery {
  /** "<topic>/<partition>/<offset>": stable, so a redelivery carries the same id. */
  readonly deliveryId: string;
  readonly envelope: Envelope;
  readonly record: RecordLocation;
}

/** `acked`: recorded; `unknown`: never delivered on this subscription, already acked, or reset. */
export type AckOutcome = 'acked' | 'unknown';

/** What one subscription is built from (SubscriptionService fills it in). */
export interface SubscriptionOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly writer: Pick<TransactionalWriter<ReaderEvent>, 'write'>;
  readonly identityUrn: string;
  readonly group: string;
  readonly topics: readonly string[];
  readonly filter: SubscriptionFilter;
  /** Most unacked deliveries at once; reading pauses while the window is full. */
  readonly maxInFlight: number;
  readonly settings: ReaderSettings;
  /** Called for each delivery, in order per partition. Must not throw (a throw is logged). */
  readonly onDelivery: (delivery: SubscriptionDelivery) => void;
  /** Called once when the subscription ended on its own (consumer crash), with the cause. */
  readonly onEnd?: (error: Error) => void;
  /** Counts deliveries and resumes (the gauges read `inFlight`). */
  readonly metrics?: SubscribeStreamMetrics;
}

/**
 * One subscriber's live stream: a member of the subscriber's group (offsets belong to the
 * identity, not to the connection) that delivers what the subscriber may see, at most
 * `maxInFlight` unacked at once, and commits per partition only the acked prefix — together
 * with an ACKED audit record per ack, in one transaction. Messages the subscriber may not see are
 * skipped and committed past. stop() (a disconnect) commits the acks received, never an unacked
 * delivery: the next subscription resumes after the last acked message and gets the rest again.
 */
export class Subscription {
  private readonly lifecycle = new Lifecycle();
  private readonly tracker = new AckTracker<MessageFacts>();
  private readonly flusher: CommitFlusher;
  private readonly member: GroupMember;
  private readonly logger: Logger;
  private paused = false;
  private joins = 0;

  constructor(private readonly options: SubscriptionOptions) {
    this.logger = options.logger.child({
      component: 'subscription',
      subscriber: options.identityUrn,
    });
    this.flusher = new CommitFlusher({
      writer: options.writer,
      commitTimeoutMs: options.settings.commitTimeoutMs,
      backoff: options.settings.backoff,
      logger: this.logger,
    });
    this.member = this.createMember();
  }

  get state(): LifecycleState {
    return this.lifecycle.state;
  }

  /** Resolves once the subscription stopped (stop(), or a consumer crash). */
  whenStopped(): Promise<FinalState> {
    return this.lifecycle.whenStopped();
  }

  /** Deliveries waiting for an ack. */
  get inFlight(): number {
    return this.tracker.inFlight;
  }

  /**
   * Joins the subscriber's group and starts delivering. Resolves once the first assignment is
   * known. @throws IntelrouteError KAFKA_UNAVAILABLE (everything started is stopped again).
   */
  async start(): Promise<void> {
    if (!this.lifecycle.beginStart()) return;
    try {
      await this.member.start();
    } catch (cause) {
      await this.stop();
      throw new IntelrouteError(
        'KAFKA_UNAVAILABLE',
        `subscription cannot start: ${errorText(cause)}`,
        {
          cause,
        },
      );
    }
    this.lifecycle.started();
  }

  /**
   * Records an ack; the partition's offset moves once every earlier delivery is acked too.
   * @throws IntelrouteError SUBSCRIPTION_CLOSED once the subscription is stopping.
   */
  ack(deliveryId: string): AckOutcome {
    if (this.lifecycle.closed) {
      throw new IntelrouteError('SUBSCRIPTION_CLOSED', 'the subscription has ended');
    }
    const result = this.tracker.ack(deliveryId);
    if (result.kind === 'unknown') return 'unknown';
    const { location, data, commitOffset } = result;
    const event: ReaderEvent = {
      kind: 'acked',
      at: new Date(),
      facts: data,
      source: location,
      reader: this.options.group,
      identity: this.options.identityUrn,
    };
    this.flusher.add(
      [event],
      commitOffset === undefined ? undefined : this.offset(location, commitOffset),
    );
    if (this.paused && this.tracker.inFlight < this.options.maxInFlight) {
      this.resume();
      this.options.metrics?.resumed('window');
    }
    return 'acked';
  }

  /**
   * Stops delivering, commits the acks received (never an unacked delivery) and leaves the
   * group. Idempotent.
   */
  stop(): Promise<void> {
    return this.lifecycle.close('stopped', () => this.close());
  }

  private async close(): Promise<void> {
    // Stop fetching first (waits for the batch in hand), commit while still a member, then leave.
    await this.member.stopFetching();
    await this.flusher.drain();
    // The next subscription of this identity must resume after these acks, not before them.
    const resumable = await committedOffsetsVisible(
      this.options.kafka,
      this.flusher.committed(),
      RESUME_VISIBLE_TIMEOUT_MS,
    ).catch(() => false);
    if (!resumable) this.logger.warn('acked offsets not yet visible: the next start may repeat');
    await this.member.leave();
    this.logger.info({ unacked: this.tracker.inFlight }, 'subscription stopped');
  }

  private createMember(): GroupMember {
    const { settings } = this.options;
    return new GroupMember(this.options.kafka, {
      groupId: this.options.group,
      topics: this.options.topics,
      logger: this.logger,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxWaitTimeMs: 250,
      partitionsConcurrently: settings.partitionsConcurrently,
      eachBatch: (batch) => this.eachBatch(batch),
      onJoin: () => this.onJoin(),
      onFailed: (error) => {
        if (this.lifecycle.closed) return;
        void this.lifecycle
          .close('failed', () => this.close())
          .then(() => this.options.onEnd?.(error));
      },
    });
  }

  /**
   * After a rebalance kafkajs reads again from the committed offsets, so every unacked delivery
   * comes again (same delivery id): what was tracked is forgotten and the window reopens.
   */
  private onJoin(): void {
    this.joins += 1;
    if (this.joins === 1) return;
    this.logger.info(
      { forgotten: this.tracker.inFlight },
      'rebalanced; unacked deliveries come again',
    );
    this.tracker.reset();
    if (this.paused) this.resume();
    this.options.metrics?.resumed('rebalance');
  }

  private async eachBatch(payload: PartitionBatch): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale, heartbeat } = payload;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.lifecycle.closed) return;
      const location = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      const decoded = decodeRecord(message);
      const verdict = decoded.ok
        ? filterVerdict(decoded.envelope, this.options.filter)
        : 'undecodable';
      if (!decoded.ok || verdict !== 'deliver') {
        this.skip(location, verdict);
      } else if (this.tracker.inFlight >= this.options.maxInFlight) {
        this.pause();
        return; // not resolved: read again from here once the window has room
      } else {
        const facts = factsOf(decoded.envelope, decoded.trace.traceId);
        const deliveryId = this.tracker.delivered(location, facts);
        this.deliver({ deliveryId, envelope: decoded.envelope, record: location });
      }
      resolveOffset(message.offset);
    }
    await heartbeat();
  }

  private deliver(delivery: SubscriptionDelivery): void {
    try {
      this.options.onDelivery(delivery);
      this.options.metrics?.delivered();
    } catch (error) {
      // Unacked, so it comes again on the next subscription.
      this.logger.error(
        { err: errorText(error), deliveryId: delivery.deliveryId },
        'onDelivery threw',
      );
    }
  }

  private skip(location: RecordLocation, why: string): void {
    this.logger.debug({ ...location, why }, 'not for this subscriber; skipped');
    const commitOffset = this.tracker.skipped(location);
    if (commitOffset !== undefined) this.flusher.add([], this.offset(location, commitOffset));
  }

  private offset(location: RecordLocation, next: string) {
    return {
      groupId: this.options.group,
      topic: location.topic,
      partition: location.partition,
      offset: next,
    };
  }

  private pause(): void {
    this.paused = true;
    this.member.pauseAll();
  }

  private resume(): void {
    this.paused = false;
    this.member.resumeAll();
  }
}
