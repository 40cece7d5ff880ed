import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { TOPICS } from '../../contract/topic-names';
import { readTopicToEnd, type TopicRecord } from '../../kafka/topic-reader';
import type { Logger } from '../../telemetry/logger';
import { readDirectoryRecord, type ContactPointEntry } from './contact-point-entry';
import { restartUnlessStopped } from '../../kafka/consumer-retry';

/** The Kafka client and topic prefix the directory reads with. */
export interface ContactPointDirectoryOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
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
  private tail: { consumer: Consumer; groupId: string } | undefined;
  /** Set by stop(): the tail's consumer must not restart itself after a crash. */
  private stopped = false;

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

  /** Keeps applying committed updates until stop(). Call after load(). */
  async follow(): Promise<void> {
    if (this.tail !== undefined) return;
    // A throwaway group: the directory has no position of its own, it is rebuilt each start.
    const groupId = `${this.options.topicPrefix}intelroute.directory.${randomUUID()}`;
    const consumer = this.options.kafka.consumer({
      groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 500,
      retry: restartUnlessStopped(() => this.stopped),
    });
    this.tail = { consumer, groupId };
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.applyBatch(payload) });
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
    this.stopped = true;
    const tail = this.tail;
    this.tail = undefined;
    if (tail === undefined) return;
    await tail.consumer.disconnect().catch(() => undefined);
    await this.options.admin.deleteGroups([tail.groupId]).catch(() => undefined);
  }

  private async applyBatch({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      this.apply({
        partition: batch.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: {},
      });
    }
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
