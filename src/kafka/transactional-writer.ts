import type { KafkaAdmin, KafkaClient, KafkaProducer } from './kafka-connection';
import { errorText, IntelrouteError, isIntelrouteError } from '../core/errors';
import type { Logger } from '../telemetry/logger';
import { partitionForKey } from './murmur2-partitioner';
import { PartitionDirectory } from './partition-directory';
import type { OutboundRecord } from './record-format';
import { BatchTooLargeError, isRecordRejection } from './record-rejection';
import { bytesPerTopic, oversizedTopic } from './record-size';
import { ReconnectLoop } from './reconnect-loop';
import { groupByTopic, locate, offsetsByGroup, type Placed } from './transaction-records';
import { TIMED_OUT, withDeadline } from './with-deadline';
import { WriteQueue, type PendingJob } from './write-queue';

/** Where one record landed. `offset` is Kafka's 64-bit offset as decimal text. */
export interface RecordLocation {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * One unit of work: its records are written together, atomically with every other job of the
 * same transaction. `events` are opaque to the writer and handed to the participants (the audit
 * trail). A job still queued at `deadlineAtMs` is dropped unwritten.
 */
export interface WriteJob<E> {
  readonly records: readonly OutboundRecord[];
  readonly events: readonly E[];
  readonly deadlineAtMs: number;
  /**
   * Consumer offsets committed in the same transaction (consume-process-produce): a reader's
   * position moves exactly when its output is written. `offset` is the next offset to read.
   */
  readonly consumerOffsets?: readonly ConsumerOffset[];
}

export interface ConsumerOffset {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface LandedJob<E> {
  readonly job: WriteJob<E>;
  readonly locations: readonly RecordLocation[];
}

/**
 * Adds records to a transaction once the jobs' own records have landed (so they can name
 * offsets), and learns whether the transaction committed. `prepare` must not change state that
 * survives an abort: `committed`/`aborted` tell it which way the transaction went.
 */
export interface TransactionParticipant<E> {
  prepare(landed: readonly LandedJob<E>[]): OutboundRecord[];
  committed(): void;
  aborted(): void;
  /**
   * Reads back from Kafka whether the last prepared transaction committed, for a commit Kafka
   * never confirmed (the broker died with the request in flight: it may have landed). Asked
   * once a new producer has fenced the old one, so the answer is final. Undefined: this
   * participant cannot tell (it leaves no record of its own to look for).
   */
  readonly readOutcome?: () => Promise<boolean | undefined>;
  /**
   * The topic and key of each record `prepare` will add for `jobs`, as far as they are known
   * before the jobs' records land. Their partitions join the transaction together with the jobs'
   * own, so the participants' send needs no AddPartitionsToTxn round trip of its own. A record
   * not announced still lands (kafkajs adds its partition then, one round trip later).
   */
  readonly plannedRecords?: (jobs: readonly WriteJob<E>[]) => Array<{ topic: string; key: Buffer }>;
}

export type WriterState = 'stopped' | 'connecting' | 'ready' | 'unavailable' | 'stopping';

export interface TransactionalWriterOptions<E> {
  readonly kafka: KafkaClient;
  readonly transactionalId: string;
  readonly logger: Logger;
  readonly participants?: readonly TransactionParticipant<E>[];
  /** Most jobs in one transaction (group commit: a batch forms while the previous one writes). */
  readonly maxBatchJobs?: number;
  /** Most record bytes in one transaction. */
  readonly maxBatchBytes?: number;
  /**
   * Most record bytes for one topic in one transaction: the topics' `max.message.bytes`
   * (topics.maxMessageBytes). A job whose records for one topic exceed it is refused at once.
   */
  readonly maxTopicBatchBytes?: number;
  /** Kafka aborts a transaction left open this long (e.g. by a crashed gateway). */
  readonly transactionTimeoutMs?: number;
  /**
   * Transactional producers taking turns (lane i > 0 uses `transactionalId#i`): the next
   * transaction starts on another id while Kafka still writes the previous one's markers, instead
   * of waiting out CONCURRENT_TRANSACTIONS. Still one transaction at a time, so order is kept.
   */
  readonly lanes?: number;
  readonly now?: () => number;
}

/**
 * Writes jobs to Kafka in transactions, one transaction at a time, batching every job that
 * queued up while the previous transaction was in flight (so batching grows with load and costs
 * nothing when idle). A job's promise resolves only after the transaction committed, i.e. every
 * record is acknowledged by all in-sync replicas and visible to read_committed readers.
 *
 * kafkajs's transactional producer can be left in a state it cannot leave after a broker failure
 * (an open transaction it can neither commit nor abort), so after any failure the producer is
 * thrown away and a new one initialised with the same transactional id, which makes Kafka abort
 * whatever the old one left open. Until then new jobs fail fast with KAFKA_UNAVAILABLE.
 */
export class TransactionalWriter<E> {
  private readonly queue: WriteQueue<E>;
  private readonly listeners = new Set<(state: WriterState) => void>();
  private readonly admin: KafkaAdmin;
  private readonly partitions: PartitionDirectory;
  private readonly reconnect: ReconnectLoop;
  /** One producer per lane, all connected, or none (while reconnecting or stopped). */
  private producers: KafkaProducer[] | undefined;
  private nextLane = 0;
  /** A commit was sent and never confirmed: the participants wait to learn how it went. */
  private unconfirmedCommit = false;
  private currentState: WriterState = 'stopped';
  private pumping: Promise<void> | undefined;

  constructor(private readonly options: TransactionalWriterOptions<E>) {
    this.queue = new WriteQueue({
      maxJobs: options.maxBatchJobs ?? 256,
      maxBytes: options.maxBatchBytes ?? 16 * 1024 * 1024,
      maxTopicBytes: this.maxTopicBatchBytes(),
    });
    this.admin = options.kafka.admin();
    this.partitions = new PartitionDirectory(this.admin);
    this.reconnect = new ReconnectLoop({
      attempt: () => this.connectProducers(),
      logger: options.logger,
    });
  }

  get state(): WriterState {
    return this.currentState;
  }

  /** Called on every state change (health reporting). */
  onStateChange(listener: (state: WriterState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects and initialises the transactional producer. @throws when Kafka cannot be reached. */
  async start(): Promise<void> {
    if (this.currentState !== 'stopped') return;
    this.setState('connecting');
    try {
      await this.admin.connect();
      await this.connectProducers();
    } catch (cause) {
      this.setState('stopped');
      throw new IntelrouteError(
        'KAFKA_UNAVAILABLE',
        `cannot start the Kafka writer: ${errorText(cause)}`,
        {
          cause,
        },
      );
    }
  }

  /**
   * Queues a job; resolves with the location of each of its records (same order) once committed.
   * @throws IntelrouteError KAFKA_UNAVAILABLE (nothing written, or the outcome is unknown after a
   *   failed commit), KAFKA_TIMEOUT (deadline passed before it was written), KAFKA_TOPIC_MISSING,
   *   KAFKA_RECORD_TOO_LARGE (its records for one topic exceed maxTopicBatchBytes: refused at
   *   once), KAFKA_RECORD_REJECTED (Kafka refused a record of this job; no other job is
   *   affected), SHUTTING_DOWN.
   */
  write(job: WriteJob<E>): Promise<RecordLocation[]> {
    if (this.currentState === 'stopping' || this.currentState === 'stopped') {
      return Promise.reject(new IntelrouteError('SHUTTING_DOWN', 'the Kafka writer is stopped'));
    }
    if (this.currentState !== 'ready') {
      return Promise.reject(
        new IntelrouteError('KAFKA_UNAVAILABLE', 'Kafka is unavailable; nothing was written'),
      );
    }
    const topicBytes = bytesPerTopic(job.records);
    const oversized = oversizedTopic(topicBytes, this.maxTopicBatchBytes());
    if (oversized !== undefined) {
      const message = `the records for ${oversized.topic} take ${oversized.bytes} bytes; Kafka takes at most ${this.maxTopicBatchBytes()}`;
      return Promise.reject(new IntelrouteError('KAFKA_RECORD_TOO_LARGE', message));
    }
    let bytes = 0;
    for (const size of topicBytes.values()) bytes += size;
    return new Promise((resolve, reject) => {
      this.queue.push({ job, topicBytes, bytes, resolve, reject });
      this.schedulePump();
    });
  }

  /** Stops taking jobs, writes what is queued (or fails it if Kafka is down), disconnects. */
  async stop(): Promise<void> {
    if (this.currentState === 'stopped' || this.currentState === 'stopping') return;
    const wasReady = this.currentState === 'ready';
    this.setState('stopping');
    this.reconnect.cancel();
    if (wasReady) await this.drain();
    this.queue.failAll(new IntelrouteError('SHUTTING_DOWN', 'the Kafka writer stopped'));
    await disconnectAll(this.producers);
    await this.admin.disconnect().catch(() => undefined);
    this.producers = undefined;
    this.setState('stopped');
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.pumping === undefined && this.queue.length > 0 && this.canWrite()) {
        this.schedulePump();
      }
      if (this.pumping === undefined) return;
      await this.pumping;
    }
  }

  /** Starts the pump unless it runs; `pumping` is cleared asynchronously, after assignment. */
  private schedulePump(): void {
    if (this.pumping !== undefined) return;
    this.pumping = this.runPump().finally(() => {
      this.pumping = undefined;
    });
  }

  private async runPump(): Promise<void> {
    while (this.queue.length > 0 && this.canWrite() && this.producers !== undefined) {
      const batch = this.queue.takeBatch((this.options.now ?? Date.now)());
      if (batch.length > 0) await this.writeBatch(batch);
    }
  }

  private canWrite(): boolean {
    return this.currentState === 'ready' || this.currentState === 'stopping';
  }

  private async writeBatch(batch: readonly PendingJob<E>[]): Promise<void> {
    const producers = this.producers as KafkaProducer[];
    const producer = producers[this.nextLane % producers.length] as KafkaProducer;
    this.nextLane = (this.nextLane + 1) % producers.length;
    const participants = this.options.participants ?? [];
    const progress: TransactionProgress = { stage: 'send', abandoned: false };
    try {
      const landed = await boundedBy(
        this.transactionTimeoutMs(),
        this.runTransaction(producer, batch, progress),
        () => (progress.abandoned = true),
      );
      participants.forEach((p) => p.committed());
      batch.forEach((pending, index) => pending.resolve([...(landed[index]?.locations ?? [])]));
    } catch (error) {
      // After a sent commit, aborting the participants would be a guess: a commit that landed
      // while its answer was lost would see its chain sequences and idempotency entries reused.
      if (progress.stage === 'commit') this.unconfirmedCommit = participants.length > 0;
      else participants.forEach((p) => p.aborted());
      if (progress.stage === 'send' && isRecordRejection(error)) {
        await this.isolate(batch, error);
        return;
      }
      this.failBatch(batch, error, progress.stage);
      if (!isIntelrouteError(error, 'KAFKA_TOPIC_MISSING')) await this.recover(error);
    }
  }

  /**
   * Kafka refused a record of the batch (nothing was committed): the batch goes back as two
   * halves written apart, until the job at fault is alone and is failed. Its neighbours, other
   * senders' messages among them, are written as if it had never come. The producers are renewed
   * meanwhile (sequence numbers may be off after a partial produce), without going unavailable:
   * queued and new jobs simply wait for them.
   */
  private async isolate(batch: readonly PendingJob<E>[], error: unknown): Promise<void> {
    if (!this.queue.splitAndRequeue(batch)) {
      this.options.logger.warn(
        { err: errorText(error) },
        'Kafka refused a record; its job is failed',
      );
      batch[0]?.reject(
        new IntelrouteError(
          'KAFKA_RECORD_REJECTED',
          `Kafka refused a record of this message (${errorText(error)}); nothing was written`,
          { cause: error },
        ),
      );
    }
    const old = this.producers;
    this.producers = undefined;
    await disconnectAll(old);
    try {
      await this.connectProducers();
    } catch (cause) {
      await this.recover(cause); // Kafka itself is in trouble: the usual way back
    }
  }

  /** One transaction: the jobs' records, the participants' records, consumer offsets, commit. */
  private async runTransaction(
    producer: KafkaProducer,
    batch: readonly PendingJob<E>[],
    progress: TransactionProgress,
  ): Promise<LandedJob<E>[]> {
    const transaction = await producer.transaction();
    try {
      const placed = await this.place(batch.flatMap((pending) => pending.job.records));
      await this.addPartitions(transaction, batch, placed);
      const landed = await this.sendJobs(transaction, batch, placed);
      throwIfAbandoned(progress);
      const extra = (this.options.participants ?? []).flatMap((p) => p.prepare(landed));
      const oversized = oversizedTopic(bytesPerTopic(extra), this.maxTopicBatchBytes());
      if (oversized !== undefined) {
        throw new BatchTooLargeError(`${oversized.bytes} bytes of records for ${oversized.topic}`);
      }
      if (extra.length > 0) await this.send(transaction, await this.place(extra));
      for (const offsets of offsetsByGroup(batch)) await transaction.sendOffsets(offsets);
      throwIfAbandoned(progress);
      progress.stage = 'commit';
      await transaction.commit();
      return landed;
    } catch (error) {
      if (progress.stage === 'send') await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /**
   * How long one transaction may take before the writer gives up on its producer. kafkajs
   * retries a timed-out request on the same (frozen, half-open) connection, so without a bound a
   * transaction can hang for many request timeouts while the writer still looks ready.
   */
  private transactionTimeoutMs(): number {
    return this.options.transactionTimeoutMs ?? 10_000;
  }

  /**
   * Registers with the transaction, in one AddPartitionsToTxn, every partition it will write:
   * the jobs' records and the participants' planned ones (kafkajs would otherwise register each
   * send's partitions before that send: two round trips to the coordinator per transaction).
   */
  private async addPartitions(
    transaction: TransactionHandle,
    batch: readonly PendingJob<E>[],
    jobRecords: readonly Placed[],
  ): Promise<void> {
    if (transaction.addPartitions === undefined) return;
    const jobs = batch.map((pending) => pending.job);
    const planned: Array<{ topic: string; key: Buffer }> = [];
    for (const participant of this.options.participants ?? []) {
      planned.push(...(participant.plannedRecords?.(jobs) ?? []));
    }
    const byTopic = new Map<string, Set<number>>();
    const add = ({ record, partition }: { record: { topic: string }; partition: number }): void => {
      byTopic.set(record.topic, (byTopic.get(record.topic) ?? new Set()).add(partition));
    };
    jobRecords.forEach(add);
    (await this.place(planned)).forEach(add);
    await transaction.addPartitions(
      [...byTopic].map(([topic, partitions]) => ({
        topic,
        partitions: [...partitions].map((partition) => ({ partition })),
      })),
    );
  }

  private async sendJobs(
    transaction: Pick<KafkaProducer, 'sendBatch'>,
    batch: readonly PendingJob<E>[],
    placed: readonly Placed[],
  ): Promise<LandedJob<E>[]> {
    const locations = await this.send(transaction, placed);
    let at = 0;
    return batch.map((pending) => {
      const own = locations.slice(at, at + pending.job.records.length);
      at += pending.job.records.length;
      return { job: pending.job, locations: own };
    });
  }

  /** Each record with the partition its key hashes to (topics' partition counts looked up once). */
  private async place<R extends { topic: string; key: Buffer }>(
    records: readonly R[],
  ): Promise<Array<{ record: R; partition: number }>> {
    if (records.length === 0) return [];
    await this.partitions.ensure(records.map((r) => r.topic));
    return records.map((record) => ({
      record,
      partition: partitionForKey(record.key, this.partitions.partitionCount(record.topic)),
    }));
  }

  /** Sends records to their partitions and returns each record's location, in order. */
  private async send(
    transaction: Pick<KafkaProducer, 'sendBatch'>,
    placed: readonly Placed[],
  ): Promise<RecordLocation[]> {
    if (placed.length === 0) return [];
    const metadata = await transaction.sendBatch({
      acks: -1,
      topicMessages: groupByTopic(placed),
    });
    return locate(placed, metadata);
  }

  private failBatch(
    batch: readonly PendingJob<E>[],
    error: unknown,
    stage: 'send' | 'commit',
  ): void {
    // Once the commit was sent, no failure (a timeout included) says whether it landed.
    const failure =
      isIntelrouteError(error) && stage === 'send'
        ? error
        : new IntelrouteError(
            'KAFKA_UNAVAILABLE',
            stage === 'commit'
              ? `Kafka did not confirm the commit (${errorText(error)}); the message may or may not be stored: retry with the same message id`
              : `Kafka write failed (${errorText(error)}); nothing was written`,
            { cause: error },
          );
    for (const pending of batch) pending.reject(failure);
  }

  /** Kafka's limit on one topic's records in one transaction (see maxTopicBatchBytes). */
  private maxTopicBatchBytes(): number {
    return this.options.maxTopicBatchBytes ?? 2_097_152; // topics.maxMessageBytes's default
  }

  /** Fails what is queued, throws the producers away, and reconnects in the background. */
  private async recover(error: unknown): Promise<void> {
    if (this.currentState === 'stopping') {
      this.queue.failAll(new IntelrouteError('KAFKA_UNAVAILABLE', 'Kafka failed while stopping'));
      return;
    }
    if (this.currentState !== 'ready') return;
    this.options.logger.warn(
      { err: errorText(error) },
      'Kafka write failed; recreating the producer',
    );
    this.setState('unavailable');
    this.queue.failAll(
      new IntelrouteError('KAFKA_UNAVAILABLE', 'Kafka is unavailable; nothing was written'),
    );
    const broken = this.producers;
    this.producers = undefined;
    this.partitions.forget();
    await disconnectAll(broken);
    this.reconnect.begin();
  }

  /** Connects every lane's producer; each first fences its predecessors under its id. */
  private async connectProducers(): Promise<void> {
    const producers: KafkaProducer[] = [];
    try {
      for (let lane = 0; lane < this.laneCount(); lane += 1) {
        producers.push(await this.connectProducer(lane));
      }
      if (this.unconfirmedCommit) await this.settleUnconfirmedCommit();
    } catch (error) {
      await disconnectAll(producers);
      throw error;
    }
    if (this.currentState === 'stopping' || this.currentState === 'stopped') {
      await disconnectAll(producers);
      return;
    }
    this.producers = producers;
    this.nextLane = 0;
    this.setState('ready');
    this.options.logger.info(
      { transactionalId: this.options.transactionalId, lanes: producers.length },
      'Kafka writer ready',
    );
  }

  private async connectProducer(lane: number): Promise<KafkaProducer> {
    const { transactionalId } = this.options;
    const producer = this.options.kafka.producer({
      transactionalId: lane === 0 ? transactionalId : `${transactionalId}#${lane}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs ?? 10_000,
      allowAutoTopicCreation: false,
      retry: PRODUCER_RETRY,
    });
    try {
      await producer.connect();
      await fencePredecessors(producer);
      return producer;
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private laneCount(): number {
    return Math.max(1, Math.floor(this.options.lanes ?? DEFAULT_LANES));
  }

  /**
   * Tells the participants how the unconfirmed commit went, as the first of them that can read it
   * back from Kafka says; when none can, it is taken as aborted and said so.
   * @throws what a participant's readOutcome throws (the reconnect loop tries again).
   */
  private async settleUnconfirmedCommit(): Promise<void> {
    const participants = this.options.participants ?? [];
    let outcome: boolean | undefined;
    for (const participant of participants) {
      outcome ??= await participant.readOutcome?.();
    }
    if (outcome === true) participants.forEach((p) => p.committed());
    else participants.forEach((p) => p.aborted());
    this.unconfirmedCommit = false;
    const found =
      outcome === undefined ? 'unknown, taken as aborted' : outcome ? 'committed' : 'aborted';
    this.options.logger.warn({ outcome: found }, 'the unconfirmed commit was read back');
  }

  private setState(state: WriterState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of this.listeners) listener(state);
  }
}

/**
 * Makes the producer claim its transactional id now: kafkajs sends InitProducerId only when the
 * first transaction begins, and an empty transaction is aborted without any request. Once
 * claimed, every earlier producer under the id is shut out and the transaction it left open is
 * settled (aborted, or its commit completed), so what is read from Kafka afterwards is final.
 */
async function fencePredecessors(producer: KafkaProducer): Promise<void> {
  const transaction = await producer.transaction();
  await transaction.abort();
}

async function disconnectAll(producers: readonly KafkaProducer[] | undefined): Promise<void> {
  await Promise.all((producers ?? []).map((p) => p.disconnect().catch(() => undefined)));
}

/**
 * A kafkajs transaction; `addPartitions` is added by this project's kafkajs patch (see
 * patches/README.md), so it is optional here: without it each send registers its own.
 */
type TransactionHandle = Pick<KafkaProducer, 'sendBatch'> & {
  addPartitions?: (
    topics: Array<{ topic: string; partitions: Array<{ partition: number }> }>,
  ) => Promise<void>;
};

/** How far a transaction got; `abandoned` once the writer stopped waiting for it. */
interface TransactionProgress {
  stage: 'send' | 'commit';
  abandoned: boolean;
}

/** An abandoned transaction must not go on to prepare or commit behind the writer's back. */
function throwIfAbandoned(progress: TransactionProgress): void {
  if (progress.abandoned) throw new Error('transaction abandoned after its deadline');
}

/**
 * `work`'s value, or KAFKA_TIMEOUT after `ms`; the work itself is not stopped, `onTimeout` tells
 * it that nobody waits for it any more.
 */
async function boundedBy<T>(ms: number, work: Promise<T>, onTimeout: () => void): Promise<T> {
  const outcome = await withDeadline(work, Date.now() + ms);
  if (outcome === TIMED_OUT) {
    onTimeout();
    throw new IntelrouteError('KAFKA_TIMEOUT', `Kafka transaction not finished within ${ms} ms`);
  }
  return outcome;
}

/**
 * How the producer retries a send. A transaction that starts right after a commit meets
 * CONCURRENT_TRANSACTIONS until the broker has written the previous one's markers (~10 ms on one
 * node); kafkajs retries it like any retriable error, after 100 ms by default, which made
 * back-to-back transactions wait ~100 ms (p90 126 ms against 21 ms with a 10 ms first retry).
 * Retries are unbounded, as kafkajs wants for an idempotent producer: each transaction is bounded
 * by `transactionTimeoutMs` instead.
 */
const DEFAULT_LANES = 2;

const PRODUCER_RETRY = {
  initialRetryTime: 10,
  maxRetryTime: 2000,
  retries: Number.MAX_SAFE_INTEGER,
} as const;
