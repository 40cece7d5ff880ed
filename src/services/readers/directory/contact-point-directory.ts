import { randomUUID } from 'node:crypto';
import { TOPICS } from '../../../contract/topic-names';
import { readTopicToEnd, type TopicRecord } from '../../../kafka/topic-reader';
import type { Logger } from '../../../telemetry/logger';
import { readDirectoryRecord, type ContactPointEntry } from './contact-point-entry';
import type { StreamRecord } from '../../../kafka/stream-record';
import { StreamRuntime } from '../../../kafka/stream/stream-runtime';
import type { StreamTask } from '../../../kafka/stream/stream-task';
import { deleteGroupsQuietly, type KafkaConnection } from '../../../kafka/kafka-connection';

/** The Kafka client and topic prefix the directory reads with. */
export interface ContactPointDirectoryOptions extends KafkaConnection {
  readonly topicPrefix: string;
  readonly logger: Logger;
}

/**
 * Country → contact point, built from the compacted directory topic (key = country, latest
 * update wins). `load` reads the topic to its end, so the answer is right after any restart;
 * `follow` then keeps applying updates as they are committed. Readers never write the topic.
 */
export class ContactPointDirectory {
  private readonly entries = new Map<string, ContactPointEntry>();
  /** Per partition, the next offset not yet applied: the tail skips what the load applied. */
  private readonly applied = new Map<number, bigint>();
  private readonly topic: string;
  private readonly logger: Logger;
  private tail: { runtime: StreamRuntime; groupId: string } | undefined;

  constructor(private readonly options: ContactPointDirectoryOptions) {
    this.topic = `${options.topicPrefix}${TOPICS.contactPointDirectory}`;
    this.logger = options.logger.child({ component: 'contact-point-directory' });
  }

  /**
   * Reads the directory topic to its current end. @throws IntelrouteError KAFKA_TOPIC_MISSING,
   * KAFKA_TIMEOUT, KAFKA_UNAVAILABLE.
   */
  async load(): Promise<void> {
    const records = await readTopicToEnd(this.options, this.topic);
    for (const record of records) this.apply(record);
    this.logger.info({ countries: this.entries.size }, 'contact-point directory loaded');
  }

  /** load(), then follow(): the directory as a running part of a service. */
  async start(): Promise<void> {
    await this.load();
    await this.follow();
  }

  /** Keeps applying committed updates until stop(). Call after load(). */
  async follow(): Promise<void> {
    if (this.tail !== undefined) return;
    // A throwaway group: the directory has no position of its own, it is rebuilt each start.
    const groupId = `${this.options.topicPrefix}intelroute.directory.${randomUUID()}`;
    const stream = {
      kafka: this.options.kafka,
      logger: this.logger,
      name: 'contact-point directory tail',
      group: groupId,
      topics: [this.topic],
      settings: {},
    };
    const runtime = new StreamRuntime(
      stream,
      directoryTail((record) => this.apply(record)),
    );
    this.tail = { runtime, groupId };
    await runtime.start();
  }

  /** The country's entry (active or withdrawn), undefined when none was ever designated. */
  lookupContactPoint(country: string): ContactPointEntry | undefined {
    return this.entries.get(country);
  }

  /** Every entry, sorted by country. */
  all(): ContactPointEntry[] {
    return [...this.entries.values()].sort((a, b) => a.country.localeCompare(b.country));
  }

  /** Stops following (idempotent). */
  async stop(): Promise<void> {
    const tail = this.tail;
    this.tail = undefined;
    if (tail === undefined) return;
    await tail.runtime.stop();
    await deleteGroupsQuietly(this.options, [tail.groupId]);
  }

  private apply(record: TopicRecord): void {
    const offset = BigInt(record.offset);
    if (offset < (this.applied.get(record.partition) ?? 0n)) return;
    this.applied.set(record.partition, offset + 1n);
    const reading = readDirectoryRecord(record);
    if (reading.kind === 'entry') this.entries.set(reading.entry.country, reading.entry);
    else if (reading.kind === 'removed') this.entries.delete(reading.country);
    else
      this.logger.warn(
        { partition: record.partition, offset: record.offset, why: reading.why },
        'directory record skipped',
      );
  }
}

/** The directory's tail as a stream task: each record applied, nothing to commit. */
function directoryTail(apply: (record: TopicRecord) => void): StreamTask {
  const work = {
    handle: async (record: StreamRecord, at: { partition: number }) => {
      const { offset, key, value } = record;
      apply({ partition: at.partition, offset, key, value, headers: {} });
      return { kind: 'done' } as const;
    },
    due: () => 'no' as const,
    commit: async () => true,
  };
  return {
    open: async () => undefined,
    assigned: () => undefined,
    ready: async () => undefined,
    begin: async () => work,
    close: async () => undefined,
  };
}
