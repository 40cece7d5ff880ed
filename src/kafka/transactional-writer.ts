import type { Admin, Kafka, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { IntelrouteError, isIntelrouteError } from '../errors';
import type { Logger } from '../telemetry/logger';
import { partitionForKey } from './murmur2-partitioner';
import { PartitionDirectory } from './partition-directory';
import type { OutboundRecord } from './record-format';
import { ReconnectLoop } from './reconnect-loop';
import { TIMED_OUT, withDeadline } from './with-deadline';

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
}

export type WriterState = 'stopped' | 'connecting' | 'ready' | 'unavailable' | 'stopping';

export interface TransactionalWriterOptions<E> {
  readonly kafka: Kafka;
  readonly transactionalId: string;
  readonly logger: Logger;
  readonly participants?: readonly TransactionParticipant<E>[];
  /** Most jobs in one transaction (group commit: a batch forms while the previous one writes). */
  readonly maxBatchJobs?: number;
  /** Most record bytes in one transaction. */
  readonly maxBatchBytes?: number;
  /** Kafka aborts a transaction left open this long (e.g. by a crashed gateway). */
  readonly transactionTimeoutMs?: number;
  readonly now?: () => number;
}

interface PendingJob<E> {
  readonly job: WriteJob<E>;
  readonly bytes: number;
  resolve(locations: RecordLocation[]): void;
  reject(error: IntelrouteError): void;
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
  private readonly queue: PendingJob<E>[] = [];
  private readonly listeners = new Set<(state: WriterState) => void>();
  private readonly admin: Admin;
  private readonly partitions: PartitionDirectory;
  private readonly reconnect: ReconnectLoop;
  private producer: Producer | undefined;
  private currentState: WriterState = 'stopped';
  private pumping: Promise<void> | undefined;

  constructor(private readonly options: TransactionalWriterOptions<E>) {
    this.admin = options.kafka.admin();
    this.partitions = new PartitionDirectory(this.admin);
    this.reconnect = new ReconnectLoop({
      attempt: () => this.connectProducer(),
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
      await this.connectProducer();
    } catch (cause) {
      this.setState('stopped');
      throw new IntelrouteError(
        'KAFKA_UNAVAILABLE',
        `cannot start the Kafka writer: ${text(cause)}`,
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
   *   SHUTTING_DOWN.
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
    return new Promise((resolve, reject) => {
      const bytes = job.records.reduce((sum, r) => sum + r.value.length + r.key.length, 0);
      this.queue.push({ job, bytes, resolve, reject });
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
    this.failQueued(new IntelrouteError('SHUTTING_DOWN', 'the Kafka writer stopped'));
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    this.producer = undefined;
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
    while (this.queue.length > 0 && this.canWrite()) {
      const batch = this.takeBatch();
      if (batch.length > 0) await this.writeBatch(batch);
    }
  }

  private canWrite(): boolean {
    return this.currentState === 'ready' || this.currentState === 'stopping';
  }

  /** Up to maxBatchJobs / maxBatchBytes jobs; those past their deadline are failed, unwritten. */
  private takeBatch(): PendingJob<E>[] {
    const maxJobs = this.options.maxBatchJobs ?? 256;
    const maxBytes = this.options.maxBatchBytes ?? 16 * 1024 * 1024;
    const now = (this.options.now ?? Date.now)();
    const batch: PendingJob<E>[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && batch.length < maxJobs) {
      const next = this.queue[0] as PendingJob<E>;
      if (batch.length > 0 && bytes + next.bytes > maxBytes) break;
      this.queue.shift();
      if (next.job.deadlineAtMs <= now) {
        next.reject(
          new IntelrouteError(
            'KAFKA_TIMEOUT',
            'deadline passed before Kafka took the message; nothing was written',
          ),
        );
        continue;
      }
      batch.push(next);
      bytes += next.bytes;
    }
    return batch;
  }

  private async writeBatch(batch: readonly PendingJob<E>[]): Promise<void> {
    const producer = this.producer as Producer;
    const participants = this.options.participants ?? [];
    const progress = { stage: 'send' as 'send' | 'commit' };
    try {
      const landed = await boundedBy(
        this.transactionTimeoutMs(),
        this.runTransaction(producer, batch, progress),
      );
      participants.forEach((p) => p.committed());
      batch.forEach((pending, index) => pending.resolve([...(landed[index]?.locations ?? [])]));
    } catch (error) {
      participants.forEach((p) => p.aborted());
      this.failBatch(batch, error, progress.stage);
      if (!isIntelrouteError(error, 'KAFKA_TOPIC_MISSING')) await this.recover(error);
    }
  }

  /** One transaction: the jobs' records, the participants' records, consumer offsets, commit. */
  private async runTransaction(
    producer: Producer,
    batch: readonly PendingJob<E>[],
    progress: { stage: 'send' | 'commit' },
  ): Promise<LandedJob<E>[]> {
    const transaction = await producer.transaction();
    try {
      const landed = await this.sendJobs(transaction, batch);
      const extra = (this.options.participants ?? []).flatMap((p) => p.prepare(landed));
      if (extra.length > 0) await this.sendRecords(transaction, extra);
      for (const offsets of offsetsByGroup(batch)) await transaction.sendOffsets(offsets);
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

  private async sendJobs(
    transaction: Pick<Producer, 'sendBatch'>,
    batch: readonly PendingJob<E>[],
  ): Promise<LandedJob<E>[]> {
    const locations = await this.sendRecords(
      transaction,
      batch.flatMap((pending) => pending.job.records),
    );
    let at = 0;
    return batch.map((pending) => {
      const own = locations.slice(at, at + pending.job.records.length);
      at += pending.job.records.length;
      return { job: pending.job, locations: own };
    });
  }

  /** Sends records with explicit partitions and returns each record's location, in order. */
  private async sendRecords(
    transaction: Pick<Producer, 'sendBatch'>,
    records: readonly OutboundRecord[],
  ): Promise<RecordLocation[]> {
    if (records.length === 0) return [];
    await this.partitions.ensure(records.map((r) => r.topic));
    const placed = records.map((record) => ({
      record,
      partition: partitionForKey(record.key, this.partitions.partitionCount(record.topic)),
    }));
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
              ? `Kafka did not confirm the commit (${text(error)}); the message may or may not be stored: retry with the same message id`
              : `Kafka write failed (${text(error)}); nothing was written`,
            { cause: error },
          );
    for (const pending of batch) pending.reject(failure);
  }

  private failQueued(error: IntelrouteError): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  /** Fails what is queued, throws the producer away, and reconnects in the background. */
  private async recover(error: unknown): Promise<void> {
    if (this.currentState === 'stopping') {
      this.failQueued(new IntelrouteError('KAFKA_UNAVAILABLE', 'Kafka failed while stopping'));
      return;
    }
    if (this.currentState !== 'ready') return;
    this.options.logger.warn({ err: text(error) }, 'Kafka write failed; recreating the producer');
    this.setState('unavailable');
    this.failQueued(
      new IntelrouteError('KAFKA_UNAVAILABLE', 'Kafka is unavailable; nothing was written'),
    );
    const broken = this.producer;
    this.producer = undefined;
    this.partitions.forget();
    await broken?.disconnect().catch(() => undefined);
    this.reconnect.begin();
  }

  private async connectProducer(): Promise<void> {
    const producer = this.options.kafka.producer({
      transactionalId: this.options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs ?? 10_000,
      allowAutoTopicCreation: false,
      retry: PRODUCER_RETRY,
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.currentState === 'stopping' || this.currentState === 'stopped') {
      await producer.disconnect().catch(() => undefined);
      return;
    }
    this.producer = producer;
    this.setState('ready');
    this.options.logger.info(
      { transactionalId: this.options.transactionalId },
      'Kafka writer ready',
    );
  }

  private setState(state: WriterState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** The highest offset per group/topic/partition of the batch, in kafkajs's sendOffsets shape. */
function offsetsByGroup<E>(batch: readonly { job: WriteJob<E> }[]): Array<{
  consumerGroupId: string;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}> {
  const latest = new Map<string, Map<string, ConsumerOffset>>();
  for (const { job } of batch) {
    for (const offset of job.consumerOffsets ?? []) {
      const group = latest.get(offset.groupId) ?? new Map<string, ConsumerOffset>();
      latest.set(offset.groupId, group);
      const slot = `${offset.topic}/${offset.partition}`;
      const previous = group.get(slot);
      if (previous === undefined || BigInt(previous.offset) < BigInt(offset.offset))
        group.set(slot, offset);
    }
  }
  return [...latest].map(([consumerGroupId, group]) => {
    const topics = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const o of group.values())
      topics.set(o.topic, [
        ...(topics.get(o.topic) ?? []),
        { partition: o.partition, offset: o.offset },
      ]);
    return {
      consumerGroupId,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  });
}

/** `work`'s value, or KAFKA_TIMEOUT after `ms` (the work itself is abandoned, not stopped). */
async function boundedBy<T>(ms: number, work: Promise<T>): Promise<T> {
  const outcome = await withDeadline(work, Date.now() + ms);
  if (outcome === TIMED_OUT) {
    throw new IntelrouteError('KAFKA_TIMEOUT', `Kafka transaction not finished within ${ms} ms`);
  }
  return outcome;
}

type Placed = { readonly record: OutboundRecord; readonly partition: number };

/** One entry per topic (records keep their order), each message with its partition. */
function groupByTopic(placed: readonly Placed[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const { record, partition } of placed) {
    let entry = byTopic.get(record.topic);
    if (entry === undefined) {
      entry = { topic: record.topic, messages: [] };
      byTopic.set(record.topic, entry);
    }
    entry.messages.push({
      key: record.key,
      value: record.value,
      headers: { ...record.headers },
      partition,
    });
  }
  return [...byTopic.values()];
}

/**
 * How the producer retries a send. A transaction that starts right after a commit meets
 * CONCURRENT_TRANSACTIONS until the broker has written the previous one's markers (~10 ms on one
 * node); kafkajs retries it like any retriable error, after 100 ms by default, which made
 * back-to-back transactions wait ~100 ms (p90 126 ms against 21 ms with a 10 ms first retry).
 * Retries are unbounded, as kafkajs wants for an idempotent producer: each transaction is bounded
 * by `transactionTimeoutMs` instead.
 */
const PRODUCER_RETRY = {
  initialRetryTime: 10,
  maxRetryTime: 2000,
  retries: Number.MAX_SAFE_INTEGER,
} as const;

/** Offsets: Kafka reports one base offset per partition; records keep their order within it. */
function locate(placed: readonly Placed[], metadata: readonly RecordMetadata[]): RecordLocation[] {
  const base = new Map<string, bigint>();
  for (const m of metadata) {
    const slot = `${m.topicName}/${m.partition}`;
    // Two answers for one partition mean its records were appended twice within the transaction
    // (kafkajs resent a partition that had been written; see patches/README.md for the case that
    // hid the first answer). Aborting is the only safe answer: the copies vanish with the
    // transaction and the sender retries with the same message id.
    if (base.has(slot)) {
      throw new IntelrouteError(
        'KAFKA_UNAVAILABLE',
        `Kafka reported ${slot} twice in one send; aborting`,
      );
    }
    base.set(slot, BigInt(m.baseOffset ?? '-1'));
  }
  const seen = new Map<string, bigint>();
  return placed.map(({ record, partition }) => {
    const slot = `${record.topic}/${partition}`;
    const index = seen.get(slot) ?? 0n;
    seen.set(slot, index + 1n);
    const first = base.get(slot);
    if (first === undefined || first < 0n) {
      throw new IntelrouteError('KAFKA_UNAVAILABLE', `no offset reported for ${slot}`);
    }
    return { topic: record.topic, partition, offset: String(first + index) };
  });
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
