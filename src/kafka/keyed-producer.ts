import type { KafkaProducer } from './kafka-connection';
import { IntelrouteError } from '../core/errors';
import type { Logger } from '../telemetry/logger';
import { openKafkaConnection, partitionCounts, type KafkaClient } from './kafka-connection';
import { partitionForKey } from './murmur2-partitioner';

/** One record for a keyed topic: UTF-8 key, JSON value. */
export interface KeyedRecord {
  readonly key: string;
  readonly value: Buffer;
}

interface Waiting {
  readonly records: readonly KeyedRecord[];
  resolve(): void;
  reject(error: IntelrouteError): void;
}

/**
 * Writes keyed records to one topic with an idempotent producer (acks from all in-sync replicas),
 * placing each by the murmur2 partitioner intelroute's transactional writer uses, so a key lands
 * in the partition whose changelog partition holds its state. Sends that queue while one is in
 * flight go out together in the next request (group commit): concurrent partitions of a reader
 * share round trips instead of waiting in line.
 */
export class KeyedProducer {
  private producer: KafkaProducer | undefined;
  private partitions = 0;
  private queue: Waiting[] = [];
  private pumping: Promise<void> | undefined;

  constructor(private readonly options: { kafka: KafkaClient; topic: string; logger: Logger }) {}

  /** Connects and reads the topic's partition count. @throws IntelrouteError KAFKA_TOPIC_MISSING */
  async start(): Promise<void> {
    const connection = await openKafkaConnection(this.options.kafka);
    try {
      const counts = await partitionCounts(connection, [this.options.topic]);
      this.partitions = counts.get(this.options.topic) ?? 0;
    } finally {
      await connection.close();
    }
    const producer = this.options.kafka.producer({
      idempotent: true,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    await producer.connect();
    this.producer = producer;
  }

  /**
   * Resolves once every record is acknowledged by all in-sync replicas.
   * @throws IntelrouteError KAFKA_UNAVAILABLE (retry: a repeat writes the same records again),
   *   SHUTTING_DOWN after stop().
   */
  send(records: readonly KeyedRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.producer === undefined) {
      return Promise.reject(new IntelrouteError('SHUTTING_DOWN', 'the producer is stopped'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
    });
  }

  /** Waits for what is in flight, then disconnects. Idempotent. */
  async stop(): Promise<void> {
    await this.pumping;
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && this.producer !== undefined) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.producer.send({
          topic: this.options.topic,
          acks: -1,
          messages: batch.flatMap((waiting) => waiting.records.map((r) => this.message(r))),
        });
        batch.forEach((waiting) => waiting.resolve());
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        this.options.logger.warn({ err: why, topic: this.options.topic }, 'keyed write failed');
        const error = new IntelrouteError('KAFKA_UNAVAILABLE', `write failed: ${why}`, { cause });
        batch.forEach((waiting) => waiting.reject(error));
      }
    }
  }

  private message(record: KeyedRecord): {
    key: Buffer;
    value: Buffer;
    partition: number;
    headers: Record<string, string>;
  } {
    const key = Buffer.from(record.key, 'utf8');
    return {
      key,
      value: record.value,
      partition: partitionForKey(key, this.partitions),
      headers: { 'content-type': 'application/json' },
    };
  }
}
