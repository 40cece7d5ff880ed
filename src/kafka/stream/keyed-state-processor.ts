import type { Logger } from '../../telemetry/logger';
import { partitionsOf, type Assignment } from '../group-member';
import type { KafkaClient, OwnedKafkaConnection } from '../kafka-connection';
import { partitionForKey } from '../murmur2-partitioner';
import type { StreamRecord } from '../stream-record';
import { TransactionalWriter } from '../transactional-writer';
import { checkAlignedTopics } from './aligned-topics';
import type { BackoffPolicy } from '../../core/backoff';
import { commitTransaction, type CommitContext } from './commit-transaction';
import { awaitWithHeartbeat } from './heartbeat-wait';
import { PartitionStores } from './partition-stores';
import { PendingChangelog } from './pending-changelog';
import { StreamRuntime, type StreamSettings } from './stream-runtime';
import type {
  CommitDue,
  PartitionWork,
  RecordContext,
  RecordOutcome,
  StreamTask,
} from './stream-task';

export type { RecordContext } from './stream-task';

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
export interface ProcessorSettings extends StreamSettings {
  readonly heartbeatIntervalMs: number;
  readonly commitMaxMessages: number;
  readonly commitTimeoutMs: number;
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
 * The stream runtime folding a keyed input topic into per-key state held in a state store per
 * input partition, backed by a compacted changelog topic partitioned alike. The changelog
 * records of the keys a run of records changed and the input offset after them are committed in
 * one Kafka transaction, so after any restart or rebalance the state rebuilt from the changelog
 * is exactly the state at the committed offset. Instances scale with the input's partitions.
 * The transactional producer is initialised before any store is read: it fences a killed
 * predecessor with the same instance id and aborts what it left open, so the changelog read
 * afterwards is final.
 */
export class KeyedStateProcessor<I, S> extends StreamRuntime {
  private readonly keyed: KeyedStateTask<I, S>;

  constructor(options: KeyedStateProcessorOptions<I, S>) {
    const logger = options.logger.child({ component: 'keyed-state', group: options.group });
    const task = new KeyedStateTask(options, logger);
    super(
      {
        kafka: options.kafka,
        logger,
        name: 'keyed state processor',
        group: options.group,
        topics: [options.inputTopic],
        settings: options.settings,
      },
      task,
    );
    this.keyed = task;
  }

  /** The loaded state of the partitions this instance owns (read-only use). */
  snapshot(): ReadonlyMap<number, ReadonlyMap<string, S>> {
    return this.keyed.snapshot();
  }
}

class KeyedStateTask<I, S> implements StreamTask {
  private writer: TransactionalWriter<never> | undefined;
  private stores: PartitionStores<S> | undefined;
  private partitionCount = 0;

  constructor(
    private readonly options: KeyedStateProcessorOptions<I, S>,
    private readonly logger: Logger,
  ) {}

  snapshot(): ReadonlyMap<number, ReadonlyMap<string, S>> {
    return this.stores?.snapshot() ?? new Map();
  }

  /** @throws IntelrouteError KAFKA_TOPIC_MISSING, TOPIC_PLAN_CONFLICT (topics not aligned). */
  async open(connection: OwnedKafkaConnection): Promise<void> {
    const { kafka, inputTopic, changelogTopic, group, instanceId, logic } = this.options;
    this.partitionCount = await checkAlignedTopics(connection, inputTopic, changelogTopic);
    this.writer = new TransactionalWriter<never>({
      kafka,
      transactionalId: `${group}.${instanceId}`,
      logger: this.logger.child({ component: 'changelog-writer' }),
    });
    await this.writer.start();
    this.stores = new PartitionStores({
      kafka,
      admin: connection.admin,
      changelogTopic,
      decode: (value) => logic.decodeState(value),
      logger: this.logger,
    });
  }

  assigned(assignment: Assignment): void {
    this.stores?.assign(partitionsOf(assignment, this.options.inputTopic));
  }

  async ready(first: Assignment): Promise<void> {
    const partitions = partitionsOf(first, this.options.inputTopic);
    await Promise.all(partitions.map((partition) => this.stores?.ready(partition)));
  }

  async begin(
    _topic: string,
    partition: number,
    heartbeat: () => Promise<void>,
  ): Promise<PartitionWork> {
    const stores = this.stores as PartitionStores<S>;
    const every = this.options.settings.heartbeatIntervalMs;
    const store = await awaitWithHeartbeat(stores.ready(partition), heartbeat, every);
    return new KeyedStateWork(this.options, this.logger, {
      store,
      partition,
      partitionCount: this.partitionCount,
      writer: this.writer as TransactionalWriter<never>,
      drop: () => stores.drop(partition),
    });
  }

  async close(): Promise<void> {
    await this.writer?.stop();
    this.stores?.clear();
  }
}

/** One partition's store and what its batch needs to fold and commit. */
interface PartitionState<S> {
  readonly store: Map<string, S>;
  readonly partition: number;
  readonly partitionCount: number;
  readonly writer: TransactionalWriter<never>;
  /** Forgets the store: its changes could not be committed (rebuilt on next use). */
  drop(): void;
}

/**
 * Folds a batch of one partition into its store, committing every `commitMaxMessages` records.
 * Whatever goes wrong after the store changed without its commit drops the store, so the next
 * use rebuilds it from the changelog.
 */
class KeyedStateWork<I, S> implements PartitionWork {
  private readonly pending: PendingChangelog<S>;

  constructor(
    private readonly options: KeyedStateProcessorOptions<I, S>,
    private readonly logger: Logger,
    private readonly state: PartitionState<S>,
  ) {
    this.pending = new PendingChangelog<S>(options.changelogTopic, (value) =>
      options.logic.encodeState(value),
    );
  }

  async handle(record: StreamRecord, context: RecordContext): Promise<RecordOutcome> {
    const { store, partition, partitionCount } = this.state;
    const key = record.key?.toString('utf8');
    const logic = this.options.logic;
    const input = record.value === null ? undefined : logic.decodeInput(record.value);
    if (key === undefined || input === undefined) {
      this.logger.warn({ partition, offset: record.offset }, 'record skipped');
    } else if (partitionForKey(Buffer.from(key), partitionCount) !== partition) {
      // A key written by another partitioner would split its state across two stores.
      this.logger.error({ partition, offset: record.offset }, 'misplaced key');
    } else {
      const next = await logic.apply(key, input, store.get(key), context);
      if (next !== undefined) {
        store.set(key, next);
        this.pending.put(key, next);
      }
    }
    this.pending.advance(record.offset);
    return { kind: 'done' };
  }

  due(): CommitDue {
    return this.pending.size >= this.options.settings.commitMaxMessages ? 'now' : 'no';
  }

  /** Commits what waits; when that cannot happen (stopping, a failure) the store is dropped. */
  async commit(context: CommitContext): Promise<boolean> {
    const taken = this.pending.take();
    if (taken === undefined) return true;
    const { group, inputTopic, settings } = this.options;
    const offset = { groupId: group, topic: inputTopic, partition: this.state.partition };
    const deps = {
      writer: this.state.writer,
      commitTimeoutMs: settings.commitTimeoutMs,
      backoff: settings.backoff,
      heartbeatEveryMs: settings.heartbeatIntervalMs,
      logger: this.logger,
    };
    const job = {
      records: taken.records,
      events: [],
      consumerOffsets: [{ ...offset, offset: taken.nextOffset }],
    };
    const committed = await commitTransaction<never>(deps, job, context).catch((error: unknown) => {
      this.state.drop();
      throw error;
    });
    if (!committed) this.state.drop();
    return committed;
  }
}
