import type { KafkaAdmin, KafkaClient } from '../kafka/kafka-connection';
import { IdempotencyRecord } from '../contract/generated/intelroute/v1/records';
import type { LandedJob, TransactionParticipant, WriteJob } from '../kafka/transactional-writer';
import type { OutboundRecord } from '../kafka/record-format';
import { readTopicToEnd } from '../kafka/topic-reader';
import type { Logger } from '../telemetry/logger';
import type { GatewayEvent, RoutedEvent } from './gateway-events';
import type { IdempotencyStore } from './idempotency-store';
import { buildAck } from './publish-ack';

/**
 * Writes, in the transaction of every routed message, the record that lets a retry of the same
 * id be answered with the first ack, after a restart too (topic intel.v1.idempotency, compacted,
 * kept for the window). The in-memory store learns of it only once the transaction committed.
 */
export class IdempotencyParticipant implements TransactionParticipant<GatewayEvent> {
  private prepared: Array<{ key: string; record: IdempotencyRecord; atMs: number }> = [];

  constructor(
    private readonly store: IdempotencyStore,
    private readonly topic: string,
    private readonly topicPrefix: string,
  ) {}

  prepare(landed: readonly LandedJob<GatewayEvent>[]): OutboundRecord[] {
    this.prepared = landed.flatMap(({ job, locations }) =>
      job.events
        .filter((event): event is RoutedEvent => event.kind === 'routed')
        .map((event) => ({
          key: event.idempotencyKey,
          atMs: event.facts.at.getTime(),
          record: {
            messageId: event.facts.messageId,
            origin: event.facts.origin,
            payloadSha256: event.facts.payloadSha256,
            fingerprint: event.fingerprint,
            ack: buildAck(event, locations, this.topicPrefix),
          },
        })),
    );
    return this.prepared.map(({ key, record }) => ({
      topic: this.topic,
      key: Buffer.from(key, 'utf8'),
      value: Buffer.from(JSON.stringify(IdempotencyRecord.toJSON(record)), 'utf8'),
      headers: { 'content-type': 'application/json' },
    }));
  }

  /** One record per routed message, keyed by its idempotency key. */
  readonly plannedRecords = (
    jobs: readonly WriteJob<GatewayEvent>[],
  ): Array<{ topic: string; key: Buffer }> =>
    jobs.flatMap((job) =>
      job.events
        .filter((event): event is RoutedEvent => event.kind === 'routed')
        .map((event) => ({ topic: this.topic, key: Buffer.from(event.idempotencyKey, 'utf8') })),
    );

  committed(): void {
    for (const { key, record, atMs } of this.prepared) {
      if (record.ack !== undefined) {
        this.store.put(
          key,
          {
            payloadSha256: record.payloadSha256,
            fingerprint: record.fingerprint,
            ack: record.ack,
            acceptedAtMs: atMs,
          },
          atMs,
        );
      }
    }
    this.prepared = [];
  }

  aborted(): void {
    this.prepared = [];
  }
}

/**
 * Fills the store from the idempotency topic (what this and other gateway instances accepted
 * within the window), so a retry after a restart still gets its first answer.
 * @returns how many entries were loaded.
 */
export async function loadIdempotencyStore(
  deps: { kafka: KafkaClient; admin: KafkaAdmin; logger: Logger },
  topic: string,
  store: IdempotencyStore,
  nowMs: number,
): Promise<number> {
  const before = store.size;
  for (const record of await readTopicToEnd(deps, topic)) {
    if (record.value === null || record.key === null) continue;
    try {
      const parsed = IdempotencyRecord.fromJSON(JSON.parse(record.value.toString('utf8')));
      const acceptedAtMs = parsed.ack?.acceptedAt?.getTime();
      if (parsed.ack === undefined || acceptedAtMs === undefined) continue;
      store.put(
        record.key.toString('utf8'),
        {
          payloadSha256: parsed.payloadSha256,
          fingerprint: parsed.fingerprint,
          ack: parsed.ack,
          acceptedAtMs,
        },
        nowMs,
      );
    } catch (error) {
      deps.logger.warn(
        { offset: record.offset, partition: record.partition, err: String(error) },
        'unreadable idempotency record skipped',
      );
    }
  }
  return store.size - before;
}
