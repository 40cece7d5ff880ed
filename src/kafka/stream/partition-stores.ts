import type { KafkaAdmin, KafkaClient } from '../kafka-connection';
import { readTopicToEnd, topicEnds, type TopicEnds } from '../topic-reader';
import type { Logger } from '../../telemetry/logger';

/** What the stores are rebuilt from: the compacted changelog topic and how to read a value. */
export interface PartitionStoresOptions<S> {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  /** The changelog topic (prefix applied), partitioned like the input topic. */
  readonly changelogTopic: string;
  /** A changelog value as state; undefined for a value that does not decode (skipped, logged). */
  readonly decode: (value: Buffer) => S | undefined;
  readonly logger: Logger;
}

type Store<S> = Map<string, S>;

/**
 * The state of the input partitions this instance owns: per partition, key → state, rebuilt from
 * the changelog partition of the same number (keys are placed by the same partitioner in both
 * topics). A partition's store is loaded when the partition is assigned and dropped when it is
 * revoked, so a partition that comes back after another instance owned it is read again. A store
 * whose in-memory changes could not be committed is dropped too (`drop`): the next use reloads
 * what the changelog holds, which is what the committed input offset matches.
 */
export class PartitionStores<S> {
  private readonly stores = new Map<number, Promise<Store<S>>>();
  private readonly loaded = new Map<number, Store<S>>();

  constructor(private readonly options: PartitionStoresOptions<S>) {}

  /** The new assignment: revoked partitions are forgotten, new ones loaded (in one read). */
  assign(partitions: readonly number[]): void {
    const wanted = new Set(partitions);
    for (const partition of [...this.stores.keys()]) {
      if (!wanted.has(partition)) this.drop(partition);
    }
    const fresh = partitions.filter((partition) => !this.stores.has(partition));
    if (fresh.length > 0) this.load(fresh);
  }

  /**
   * The partition's store, loading it first if needed.
   * @throws IntelrouteError KAFKA_TOPIC_MISSING, KAFKA_TIMEOUT, KAFKA_UNAVAILABLE (the failed
   *   load is forgotten: the next call tries again).
   */
  ready(partition: number): Promise<Store<S>> {
    const existing = this.stores.get(partition);
    if (existing !== undefined) return existing;
    this.load([partition]);
    return this.stores.get(partition) as Promise<Store<S>>;
  }

  /** Forgets a partition's store (revoked, or holding changes that were not committed). */
  drop(partition: number): void {
    this.stores.delete(partition);
    this.loaded.delete(partition);
  }

  clear(): void {
    this.stores.clear();
    this.loaded.clear();
  }

  /** The stores loaded so far, by partition (read-only use: deadline checks, reports). */
  snapshot(): ReadonlyMap<number, ReadonlyMap<string, S>> {
    return this.loaded;
  }

  private load(partitions: readonly number[]): void {
    const all = this.readPartitions(partitions);
    for (const partition of partitions) {
      const store = all.then((stores) => stores.get(partition) ?? new Map<string, S>());
      this.stores.set(partition, store);
      store.then(
        (loaded) => {
          if (this.stores.get(partition) === store) this.loaded.set(partition, loaded);
        },
        () => {
          if (this.stores.get(partition) === store) this.stores.delete(partition);
        },
      );
    }
  }

  private async readPartitions(partitions: readonly number[]): Promise<Map<number, Store<S>>> {
    const { kafka, admin, changelogTopic, logger } = this.options;
    const ends = onlyPartitions(await topicEnds({ kafka, admin }, changelogTopic), partitions);
    const records = await readTopicToEnd({ kafka, admin }, changelogTopic, ends);
    const stores = new Map<number, Store<S>>(partitions.map((p) => [p, new Map<string, S>()]));
    let skipped = 0;
    for (const record of records) {
      const store = stores.get(record.partition);
      const key = record.key?.toString('utf8');
      if (store === undefined || key === undefined) continue;
      if (record.value === null) {
        store.delete(key);
        continue;
      }
      const state = this.options.decode(record.value);
      if (state === undefined) skipped += 1;
      else store.set(key, state);
    }
    const keys = [...stores.values()].reduce((sum, store) => sum + store.size, 0);
    logger.info({ partitions, keys, skipped }, 'state stores rebuilt from the changelog');
    return stores;
  }
}

function onlyPartitions(ends: TopicEnds, partitions: readonly number[]): TopicEnds {
  const wanted = new Set(partitions);
  return new Map([...ends].filter(([partition]) => wanted.has(partition)));
}
