import type { BackoffPolicy, ReaderState } from '../../consumers';
import { IntelrouteError, isIntelrouteError } from '../../errors';
import { partitionForKey } from '../../kafka/murmur2-partitioner';
import { TransactionalWriter } from '../../kafka/transactional-writer';
import type { Logger } from '../../telemetry/logger';
import { commitChangelog, PendingChangelog, type CommitDeps } from './changelog-commit';
import { awaitWithHeartbeat } from '../../consumers/runtime/pause';
import { PartitionStores } from './partition-stores';
import { checkAlignedTopics, text } from './processor-support';
import { GroupMember, partitionsOf, type PartitionBatch } from '../../kafka/group-member';
import {
  openKafkaConnection,
  type KafkaClient,
  type OwnedKafkaConnection,
} from '../../kafka/kafka-connection';
import type { StreamRecord } from '../../kafka/stream-record';

/** What a handler of one input record may use. */
export interface RecordContext {
  readonly partition: number;
  /** Aborts when the processor stops: a handler waiting on a side effect gives up then. */
  readonly signal: AbortSignal;
  /** Keeps the group membership while a handler waits (e.g. retrying a publish). */
  heartbeat(): Promise<void>;
}

/** The stateful logic a KeyedStateProcessor runs: codecs and the fold of one input into state. */
export interface KeyedStateLogic<I, S> {
  decodeInput(value: Buffer): I | undefined;
  decodeState(value: Buffer): S | undefined;
  encodeState(state: S): Buffer;
  /**
   * Folds one input into its key's state. Resolves with the new state, or undefined when the
   * state does not change. Side effects must be idempotent: a record whose commit did not happen
   * is applied again (to the state as committed) after a restart or a rebalance.
   * @throws IntelrouteError SHUTTING_DOWN when `signal` aborted before it could finish.
   */
  apply(
    key: string,
    input: I,
    state: S | undefined,
    context: RecordContext,
  ): Promise<S | undefined>;
}

/** The compiled settings of a processor (the reader settings' units and defaults). */
export interface ProcessorSettings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly partitionsConcurrently: number;
  readonly commitMaxMessages: number;
  readonly commitTimeoutMs: number;
  readonly maxBytesPerPartition: number;
  readonly backoff: BackoffPolicy;
}

/** What a KeyedStateProcessor is built from (the composition root passes it in). */
export interface KeyedStateProcessorOptions<I, S> {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly group: string;
  /** Names the transactional id `<group>.<instanceId>`: a restart fences its predecessor. */
  readonly instanceId: string;
  /** Input and changelog topics (prefix applied), with the same partition count. */
  readonly inputTopic: string;
  readonly changelogTopic: string;
  readonly logic: KeyedStateLogic<I, S>;
  readonly settings: ProcessorSettings;
}

/**
 * A consumer-group member that folds a keyed input topic into per-key state held in a state store
 * per input partition, backed by a compacted changelog topic partitioned alike. The changelog
 * records of the keys a run of records changed and the input offset after them are committed in
 * one Kafka transaction, so after any restart or rebalance the state rebuilt from the changelog
 * is exactly the state at the committed offset. Instances scale with the input's partitions.
 *
 * As in ReaderRuntime (see src/consumers/README.md), everything handled is committed before the
 * batch handler returns, and kafkajs rejoins only after every batch in hand returned, so a
 * partition changes hands with its state committed. The transactional producer is initialised
 * before any store is read: it fences a killed predecessor with the same instance id and aborts
 * what it left open, so the changelog read afterwards is final.
 */
export class KeyedStateProcessor<I, S> {
  private currentState: ReaderState = 'idle';
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private connection: OwnedKafkaConnection | undefined;
  private writer: TransactionalWriter<never> | undefined;
  private member: GroupMember | undefined;
  private stores: PartitionStores<S> | undefined;
  private partitionCount = 0;
  private closing: Promise<void> | undefined;
  private settleStopped: (state: ReaderState) => void = () => undefined;
  private readonly stopped = new Promise<ReaderState>((resolve) => (this.settleStopped = resolve));

  constructor(private readonly options: KeyedStateProcessorOptions<I, S>) {
    this.logger = options.logger.child({ component: 'keyed-state', group: options.group });
  }

  get state(): ReaderState {
    return this.currentState;
  }

  /** Resolves with `stopped` after stop(), or `failed` when the consumer crashed for good. */
  whenStopped(): Promise<ReaderState> {
    return this.stopped;
  }

  /** The loaded state of the partitions this instance owns (read-only use). */
  snapshot(): ReadonlyMap<number, ReadonlyMap<string, S>> {
    return this.stores?.snapshot() ?? new Map();
  }

  /**
   * Checks the topics, starts the writer (fencing a predecessor), joins the group and loads the
   * stores of the first assignment.
   * @throws IntelrouteError KAFKA_UNAVAILABLE, KAFKA_TOPIC_MISSING, TOPIC_PLAN_CONFLICT.
   */
  async start(): Promise<void> {
    if (this.currentState !== 'idle') return;
    this.currentState = 'starting';
    try {
      await this.open();
    } catch (error) {
      await this.close('failed');
      if (isIntelrouteError(error)) throw error;
      throw new IntelrouteError('KAFKA_UNAVAILABLE', `processor cannot start: ${text(error)}`, {
        cause: error,
      });
    }
    if (!this.abort.signal.aborted) this.currentState = 'running';
  }

  /** Finishes the record in hand, commits, leaves the group, stops the writer. Idempotent. */
  stop(): Promise<void> {
    return this.close('stopped');
  }

  private async open(): Promise<void> {
    const { kafka, inputTopic, changelogTopic, group, instanceId } = this.options;
    const connection = await openKafkaConnection(kafka);
    this.connection = connection;
    this.partitionCount = await checkAlignedTopics(connection, inputTopic, changelogTopic);
    this.writer = new TransactionalWriter<never>({
      kafka,
      transactionalId: `${group}.${instanceId}`,
      logger: this.logger.child({ component: 'changelog-writer' }),
    });
    await this.writer.start();
    const decode = (value: Buffer): S | undefined => this.options.logic.decodeState(value);
    const logger = this.logger;
    this.stores = new PartitionStores({
      kafka,
      admin: connection.admin,
      changelogTopic,
      decode,
      logger,
    });
    this.member = this.createMember();
    const first = partitionsOf(await this.member.start(), inputTopic);
    await Promise.all(first.map((partition) => this.stores?.ready(partition)));
    this.logger.info({ topic: inputTopic, partitions: first }, 'keyed state processor running');
  }

  private createMember(): GroupMember {
    const { settings, group, inputTopic } = this.options;
    return new GroupMember(this.options.kafka, {
      groupId: group,
      topics: [inputTopic],
      logger: this.logger,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxWaitTimeMs: 500,
      partitionsConcurrently: settings.partitionsConcurrently,
      eachBatch: (batch) => this.eachBatch(batch),
      onJoin: (assignment) => this.stores?.assign(partitionsOf(assignment, inputTopic)),
      onFailed: () => {
        if (this.currentState === 'running') void this.close('failed');
      },
    });
  }

  /**
   * Folds a fetched batch of one partition into its store, committing every `commitMaxMessages`
   * records and always before returning. Whatever goes wrong after a store changed without its
   * commit drops the store, so the next use rebuilds it from the changelog.
   */
  private async eachBatch(payload: PartitionBatch): Promise<void> {
    const { batch, heartbeat } = payload;
    const stores = this.stores as PartitionStores<S>;
    const every = this.options.settings.heartbeatIntervalMs;
    const store = await awaitWithHeartbeat(stores.ready(batch.partition), heartbeat, every);
    const pending = new PendingChangelog<S>(this.options.changelogTopic, (state) =>
      this.options.logic.encodeState(state),
    );
    const context = { partition: batch.partition, signal: this.abort.signal, heartbeat };
    try {
      for (const message of batch.messages) {
        if (!payload.isRunning() || payload.isStale() || this.abort.signal.aborted) break;
        await this.applyRecord(store, message, pending, context);
        if (pending.size >= this.options.settings.commitMaxMessages) {
          if (!(await this.commit(pending, payload))) return;
        }
        await heartbeat();
      }
    } catch (error) {
      await this.commit(pending, payload, true).catch(() => false);
      if (isIntelrouteError(error, 'SHUTTING_DOWN')) return;
      throw error;
    }
    await this.commit(pending, payload);
  }

  private async applyRecord(
    store: Map<string, S>,
    message: StreamRecord,
    pending: PendingChangelog<S>,
    context: { partition: number; signal: AbortSignal; heartbeat(): Promise<void> },
  ): Promise<void> {
    const key = message.key?.toString('utf8');
    const input =
      message.value === null ? undefined : this.options.logic.decodeInput(message.value);
    if (key === undefined || input === undefined) {
      this.logger.warn({ partition: context.partition, offset: message.offset }, 'record skipped');
    } else if (partitionForKey(Buffer.from(key), this.partitionCount) !== context.partition) {
      // A key written by another partitioner would split its state across two stores.
      this.logger.error({ partition: context.partition, offset: message.offset }, 'misplaced key');
    } else {
      const next = await this.options.logic.apply(key, input, store.get(key), context);
      if (next !== undefined) {
        store.set(key, next);
        pending.put(key, next);
      }
    }
    pending.advance(message.offset);
  }

  /**
   * Commits what waits; on success moves kafkajs's position past it. When the commit cannot
   * happen (stopping, or `broken` after a failure) the store is dropped.
   */
  private async commit(
    pending: PendingChangelog<S>,
    payload: PartitionBatch,
    broken = false,
  ): Promise<boolean> {
    const partition = payload.batch.partition;
    const taken = pending.take();
    if (taken === undefined) return true;
    const context = { heartbeat: broken ? async () => undefined : payload.heartbeat };
    const committed = await commitChangelog(this.commitDeps(), partition, taken, {
      ...context,
      signal: this.abort.signal,
    });
    if (committed) payload.resolveOffset(String(BigInt(taken.nextOffset) - 1n));
    else this.stores?.drop(partition);
    return committed;
  }

  private commitDeps(): CommitDeps {
    const { settings, group, inputTopic } = this.options;
    return {
      writer: this.writer as TransactionalWriter<never>,
      group,
      inputTopic,
      commitTimeoutMs: settings.commitTimeoutMs,
      backoff: settings.backoff,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      logger: this.logger,
    };
  }

  private close(final: 'stopped' | 'failed'): Promise<void> {
    this.closing ??= this.closeOnce(final);
    return this.closing;
  }

  private async closeOnce(final: 'stopped' | 'failed'): Promise<void> {
    this.currentState = 'stopping';
    this.abort.abort();
    await this.member?.leave();
    await this.writer?.stop();
    await this.connection?.close();
    this.stores?.clear();
    this.currentState = final;
    this.settleStopped(final);
  }
}
