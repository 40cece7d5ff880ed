import { errorText } from '../core/errors';
import type { Logger } from '../telemetry/logger';
import type { KafkaClient, KafkaConsumer } from './kafka-connection';
import { restartUnlessStopped } from './consumer-retry';
import type { PartitionBatch } from './stream-record';

export type { PartitionBatch, StreamRecord } from './stream-record';

/** Partitions of each topic assigned to this member. */
export type Assignment = Readonly<Record<string, readonly number[]>>;

/** What a group member is: its group and topics, its fetch settings and its callbacks. */
export interface GroupMemberOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly logger: Logger;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly maxBytesPerPartition?: number;
  readonly maxWaitTimeMs: number;
  readonly partitionsConcurrently?: number;
  /** Handles one partition's batch; it resolves the offsets it handled (none: offsets are not committed by the group). */
  readonly eachBatch: (batch: PartitionBatch) => Promise<void>;
  /** Every (re)join, with this member's partitions. */
  readonly onJoin?: (assignment: Assignment) => void;
  /**
   * A fetch that held no record to hand over (only commit markers or aborted records): where
   * the partition's reading now stands.
   */
  readonly onEmptyFetch?: (at: EmptyFetch) => void;
  /** The consumer crashed and will not restart (it was not being stopped). */
  readonly onFailed?: (error: Error) => void;
}

/** Where a fetch without records left a partition. */
export interface EmptyFetch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly lastOffset: string;
}

/**
 * The one consumer shell of the project: a consumer group member that reads only committed
 * records (read_committed), never creates topics, never commits offsets by itself (the stream
 * logic commits them inside its own transactions), restarts after a retriable crash unless it
 * is stopping, and reports its first assignment to start(). Readers, subscriptions, the
 * contact-point directory and the keyed-state processor all run on it.
 */
export class GroupMember {
  private readonly consumer: KafkaConsumer;
  private stopping = false;

  constructor(
    kafka: KafkaClient,
    private readonly options: GroupMemberOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      ...(options.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatInterval: options.heartbeatIntervalMs }),
      ...(options.maxBytesPerPartition === undefined
        ? {}
        : { maxBytesPerPartition: options.maxBytesPerPartition }),
      maxWaitTimeInMs: options.maxWaitTimeMs,
      retry: restartUnlessStopped(() => this.stopping),
    });
    this.listen();
  }

  /**
   * Joins the group and starts fetching from the committed offsets (from the beginning where the
   * group has none). Resolves with the first assignment.
   * @throws the crash's error when joining fails for good.
   */
  async start(): Promise<Assignment> {
    const joined = this.firstJoin();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      eachBatch: (payload) => this.options.eachBatch(payload),
    });
    return joined;
  }

  /** Stops fetching every topic until resumeAll(). */
  pauseAll(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  resumeAll(): void {
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
  }

  /** Stops fetching, waiting for the batches in hand to return; still a member afterwards. */
  async stopFetching(): Promise<void> {
    this.stopping = true;
    await this.consumer.stop().catch(() => undefined);
  }

  /** Finishes the batches in hand and leaves the group. Idempotent; never throws. */
  async leave(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect().catch((error: unknown) => {
      this.options.logger.warn({ err: errorText(error) }, 'consumer disconnect failed');
    });
  }

  private listen(): void {
    const { consumer, options } = this;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      options.logger.info({ assignment: payload.memberAssignment }, 'group joined');
      options.onJoin?.(payload.memberAssignment);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize !== 0 || payload.firstOffset === null) return;
      const { topic, partition, highWatermark, lastOffset } = payload;
      options.onEmptyFetch?.({ topic, partition, highWatermark, lastOffset });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      options.logger.error(
        { err: errorText(payload.error), restart: payload.restart },
        'consumer crashed',
      );
      if (!payload.restart) options.onFailed?.(payload.error);
    });
  }

  /** Register before run(): kafkajs's run() does not throw when joining fails, it crashes. */
  private firstJoin(): Promise<Assignment> {
    const { consumer } = this;
    return new Promise((resolve, reject) => {
      const removeJoin = consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        removeJoin();
        removeCrash();
        resolve(payload.memberAssignment);
      });
      const removeCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        removeJoin();
        removeCrash();
        reject(payload.error);
      });
    });
  }
}

/** The partitions of `topic` in an assignment, sorted. */
export function partitionsOf(assignment: Assignment, topic: string): number[] {
  return [...(assignment[topic] ?? [])].sort((a, b) => a - b);
}
