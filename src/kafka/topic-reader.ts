import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { IntelrouteError } from '../core/errors';
import { headerText } from './record-format';
import { restartUnlessStopped } from './consumer-retry';
import { retryRetriable } from './retry-retriable';

/** A record read back from a topic, with where it sits (`offset`: 64-bit offset as text). */
export interface TopicRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Per partition: the first offset still stored and the end (exclusive) to read up to. */
export type TopicEnds = ReadonlyMap<number, { readonly low: bigint; readonly end: bigint }>;

/** What the reader needs: a client to make a throwaway consumer, an admin for offsets. */
export interface TopicReaderDeps {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Give up when no partition made progress for this long (default 30 000 ms). */
  readonly idleTimeoutMs?: number;
}

/**
 * Where each partition of `topic` ends now: its high watermark, past every record written so far,
 * those of transactions not yet decided included. Not the last stable offset (what ListOffsets
 * answers a read_committed client): a transaction is acknowledged to its producer before its
 * commit markers are written, so right after an ack the last stable offset still lies before
 * its records, and a reader stopping there misses what was just acknowledged (readers of the
 * idempotency memory, the audit chain heads and `audit verify` all read right after writes).
 * Reading to the high watermark waits for the transactions open now to be decided (bounded by
 * their transaction timeout): their records are read if committed, skipped if aborted.
 * @throws IntelrouteError KAFKA_TOPIC_MISSING when the topic does not exist.
 */
export async function topicEnds(deps: TopicReaderDeps, topic: string): Promise<TopicEnds> {
  if (!(await deps.admin.listTopics()).includes(topic)) {
    throw new IntelrouteError('KAFKA_TOPIC_MISSING', `topic ${topic} does not exist`);
  }
  // A throwaway admin: the shared one lists offsets READ_COMMITTED (kafkajs's default).
  const uncommitted = deps.kafka.admin({ isolationLevel: READ_UNCOMMITTED });
  await uncommitted.connect();
  try {
    const offsets = await retryRetriable(() => uncommitted.fetchTopicOffsets(topic));
    return new Map(
      offsets.map((p) => [p.partition, { low: BigInt(p.low), end: BigInt(p.high) }] as const),
    );
  } finally {
    await uncommitted.disconnect().catch(() => undefined);
  }
}

/** ListOffsets isolation: the high watermark (kafkajs's ISOLATION_LEVEL.READ_UNCOMMITTED). */
const READ_UNCOMMITTED = 0;

/**
 * Reads every committed record of `topic` (all partitions, read_committed) from the beginning up
 * to `ends` (default: the ends when called), then stops; records committed later are left out.
 * Sorted by partition, then offset.
 *
 * A partition is done when a fetched batch reaches `end - 1`. With transactions the last offset
 * is usually a commit or abort marker that is never handed to `eachBatch` (and a fetch holding
 * only markers or aborted records does not call it at all), so progress is taken from kafkajs's
 * END_BATCH_PROCESS event, whose `lastOffset` counts those records too — but only for a batch
 * that held records at all (`firstOffset` set): for one with none at or past the fetch offset
 * kafkajs reports the fetch offset or the high watermark as its last offset, records unread.
 * Uses a consumer in a random throwaway group that commits nothing, deleted afterwards.
 * @throws IntelrouteError KAFKA_TOPIC_MISSING, KAFKA_TIMEOUT (no progress within the idle
 *   timeout), KAFKA_UNAVAILABLE (the consumer crashed).
 */
export async function readTopicToEnd(
  deps: TopicReaderDeps,
  topic: string,
  ends?: TopicEnds,
): Promise<TopicRecord[]> {
  const targets = ends ?? (await topicEnds(deps, topic));
  const pending = new Map<number, bigint>();
  for (const [partition, { low, end }] of targets) if (end > low) pending.set(partition, end);
  if (pending.size === 0) return [];

  const groupId = `intelroute-topic-reader-${randomUUID()}`;
  let finished = false;
  const consumer = deps.kafka.consumer({
    groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
    retry: restartUnlessStopped(() => finished),
  });
  const records: TopicRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const progress = whenRead(consumer, topic, new Map(pending), deps.idleTimeoutMs ?? 30_000);
    try {
      await consumer.run({ autoCommit: false, eachBatch: collectUpTo(pending, records) });
      await progress.done;
    } finally {
      progress.cancel();
    }
  } finally {
    finished = true;
    await consumer.disconnect().catch(() => undefined);
    // Best effort: an empty group with no offsets is also expired by the broker on its own.
    await deps.admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records.sort(byPosition);
}

/** An eachBatch handler keeping the records below each partition's end. */
function collectUpTo(
  ends: ReadonlyMap<number, bigint>,
  records: TopicRecord[],
): (payload: EachBatchPayload) => Promise<void> {
  return async ({ batch }) => {
    const end = ends.get(batch.partition) ?? 0n;
    for (const message of batch.messages) {
      if (BigInt(message.offset) >= end) break;
      records.push(toTopicRecord(batch.partition, message));
    }
  };
}

/**
 * `done` resolves once every partition of `pending` was read to its end, and rejects when none
 * progressed for `idleTimeoutMs` (KAFKA_TIMEOUT) or the consumer crashed for good
 * (KAFKA_UNAVAILABLE). `cancel` stops listening (idempotent).
 */
function whenRead(
  consumer: Consumer,
  topic: string,
  pending: Map<number, bigint>,
  idleTimeoutMs: number,
): { done: Promise<void>; cancel(): void } {
  let settle: (error?: IntelrouteError) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  // Marked handled: it may reject while consumer.run() is still joining the group.
  void done.catch(() => undefined);
  const idle = (): void => finish(idleError(topic, pending, idleTimeoutMs));
  let timer = setTimeout(idle, idleTimeoutMs);
  const removeEnd = consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const end = pending.get(payload.partition);
    if (payload.topic !== topic || end === undefined || payload.firstOffset === null) return;
    clearTimeout(timer);
    timer = setTimeout(idle, idleTimeoutMs);
    if (BigInt(String(payload.lastOffset)) + 1n >= end) pending.delete(payload.partition);
    if (pending.size === 0) finish();
  });
  const removeCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) {
      finish(
        new IntelrouteError('KAFKA_UNAVAILABLE', `reading ${topic} failed`, {
          cause: payload.error,
        }),
      );
    }
  });
  function finish(error?: IntelrouteError): void {
    clearTimeout(timer);
    removeEnd();
    removeCrash();
    settle(error);
  }
  return { done, cancel: () => finish() };
}

function idleError(
  topic: string,
  pending: ReadonlyMap<number, bigint>,
  ms: number,
): IntelrouteError {
  const partitions = [...pending.keys()].join(', ');
  return new IntelrouteError(
    'KAFKA_TIMEOUT',
    `reading ${topic}: partition(s) ${partitions} made no progress within ${ms} ms`,
  );
}

function toTopicRecord(partition: number, message: KafkaMessage): TopicRecord {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(message.headers ?? {})) {
    const text = headerText(message.headers, name);
    if (text !== undefined) headers[name] = text;
  }
  return { partition, offset: message.offset, key: message.key, value: message.value, headers };
}

function byPosition(a: TopicRecord, b: TopicRecord): number {
  if (a.partition !== b.partition) return a.partition - b.partition;
  const [x, y] = [BigInt(a.offset), BigInt(b.offset)];
  return x < y ? -1 : x > y ? 1 : 0;
}
