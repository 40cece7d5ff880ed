/**
 * The gateway's transaction, replicated with nothing in front of it: per message 2 routed
 * records, then (a second send, once their offsets are known) an audit record and an
 * idempotency record naming those offsets, and one chain head per transaction, then the commit.
 * Used by `bench/writer-latency.ts` (open loop, writer settings compared) and by the bench's
 * transaction floor (one transaction at a time: the least a publish→ack can wait here).
 */
import { performance } from 'node:perf_hooks';
import type { Kafka } from 'kafkajs';
import type { OutboundRecord } from '../../src/kafka/record-format';
import { createTopicsAndWait } from '../../src/kafka/topic-admin';
import {
  TransactionalWriter,
  type LandedJob,
  type TransactionParticipant,
  type WriteJob,
} from '../../src/kafka/transactional-writer';
import { silentLogger } from '../../src/telemetry/logger';
import { summarizeLatencies, type LatencySummary } from './stats';

/** The topics of one replica: two routed, and those the participant writes. */
export interface ShapeTopics {
  readonly a: string;
  readonly b: string;
  readonly audit: string;
  readonly idem: string;
  readonly heads: string;
}

/** Bytes of the records the participant writes (an audit record, an idempotency record, a head). */
const NAMED_RECORD_BYTES = 300;
const HEAD_BYTES = 200;
const CHAIN_KEY = Buffer.from('chain');

/**
 * Creates the replica's topics under `prefix`, `partitions` each, replicated as the bench's other
 * topics (on up to 3 brokers), and waits for their leaders.
 */
export async function createShapeTopics(
  kafka: Kafka,
  prefix: string,
  partitions: number,
): Promise<ShapeTopics> {
  const topics: ShapeTopics = {
    a: `${prefix}a`,
    b: `${prefix}b`,
    audit: `${prefix}audit`,
    idem: `${prefix}idem`,
    heads: `${prefix}heads`,
  };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const replicationFactor = Math.min(3, brokers.length);
    await createTopicsAndWait(
      admin,
      Object.values(topics).map((name) => ({ name, partitions, replicationFactor, configs: {} })),
    );
  } finally {
    await admin.disconnect();
  }
  return topics;
}

/** The audit + idempotency participant: 2 records per job naming offsets, then one head. */
export class ShapeParticipant implements TransactionParticipant<number> {
  constructor(private readonly topics: ShapeTopics) {}

  prepare(landed: readonly LandedJob<number>[]): OutboundRecord[] {
    const named = landed.flatMap(({ job, locations }) => {
      const value = Buffer.from(
        JSON.stringify({ id: job.events[0], locations }).padEnd(NAMED_RECORD_BYTES),
      );
      return [
        { topic: this.topics.audit, key: CHAIN_KEY, value, headers: {} },
        { topic: this.topics.idem, key: jobKey(job), value, headers: {} },
      ];
    });
    const head = {
      topic: this.topics.heads,
      key: CHAIN_KEY,
      value: Buffer.alloc(HEAD_BYTES, 'h'),
      headers: {},
    };
    return [...named, head];
  }

  /** Announced as the gateway does, so one AddPartitionsToTxn covers the whole transaction. */
  readonly plannedRecords = (
    jobs: readonly WriteJob<number>[],
  ): Array<{ topic: string; key: Buffer }> => [
    { topic: this.topics.audit, key: CHAIN_KEY },
    { topic: this.topics.heads, key: CHAIN_KEY },
    ...jobs.map((job) => ({ topic: this.topics.idem, key: jobKey(job) })),
  ];

  committed(): void {}
  aborted(): void {}
}

function jobKey(job: WriteJob<number>): Buffer {
  return Buffer.from(`m-${String(job.events[0])}`);
}

/** The 2 routed records of message `i`, each of value `value`. */
export function routedRecords(topics: ShapeTopics, i: number, value: Buffer): OutboundRecord[] {
  const key = Buffer.from(`m-${i}`);
  return [topics.a, topics.b].map((topic) => ({ topic, key, value, headers: {} }));
}

/** The same 4 records per message in one send, with no participant (the shape the gateway cannot use). */
export function oneSendRecords(topics: ShapeTopics, i: number, value: Buffer): OutboundRecord[] {
  const named = { value: value.subarray(0, NAMED_RECORD_BYTES), headers: {} };
  return [
    ...routedRecords(topics, i, value),
    { ...named, topic: topics.audit, key: CHAIN_KEY },
    { ...named, topic: topics.idem, key: Buffer.from(`m-${i}`) },
  ];
}

/** A writer over the replica's topics, the shape participant included unless `participant` is false. */
export function shapeWriter(
  kafka: Kafka,
  topics: ShapeTopics,
  options: { transactionalId: string; lanes?: number; participant?: boolean },
): TransactionalWriter<number> {
  return new TransactionalWriter<number>({
    kafka,
    transactionalId: options.transactionalId,
    logger: silentLogger(),
    participants: options.participant === false ? [] : [new ShapeParticipant(topics)],
    ...(options.lanes === undefined ? {} : { lanes: options.lanes }),
  });
}

/**
 * One message's transaction at a time for `seconds`, after `warmSeconds` not counted: each
 * latency is one transaction's own. The first seconds find kafkajs's code cold (twice the time
 * and CPU per transaction).
 */
export async function oneAtATime(
  writer: TransactionalWriter<number>,
  topics: ShapeTopics,
  value: Buffer,
  { seconds, warmSeconds = 0 }: { seconds: number; warmSeconds?: number },
): Promise<{ latencies: number[]; cpuUs: number }> {
  const latencies: number[] = [];
  const counted = performance.now() + warmSeconds * 1000;
  const end = counted + seconds * 1000;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  for (let i = 0; performance.now() < end; i += 1) {
    const records = routedRecords(topics, i, value);
    const started = performance.now();
    if (started >= counted) cpuBefore ??= process.cpuUsage();
    await writer.write({ records, events: [i], deadlineAtMs: Date.now() + 30_000 });
    if (cpuBefore !== undefined) latencies.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, cpuUs: cpu.user + cpu.system };
}

/** Seconds of transactions left out of the floor: connections, metadata and code warm up. */
const WARM_SECONDS = 3;

/** The least a publish→ack waits here: one transaction of the gateway's shape, nothing queued. */
export interface TransactionFloor {
  readonly latency: LatencySummary;
  /** CPU (user + system) of this process per transaction: the writer and kafkajs. */
  readonly cpuUsPerTransaction: number;
}

/**
 * One transaction at a time for `seconds` on the gateway's writer settings (its default lanes),
 * routed values of `valueBytes` (a message record's size).
 */
export async function measureTransactionFloor(
  kafka: Kafka,
  prefix: string,
  options: { partitions: number; valueBytes: number; seconds: number },
): Promise<TransactionFloor> {
  const topics = await createShapeTopics(kafka, prefix, options.partitions);
  const writer = shapeWriter(kafka, topics, { transactionalId: `${prefix}writer` });
  await writer.start();
  try {
    const { latencies, cpuUs } = await oneAtATime(writer, topics, value(options.valueBytes), {
      seconds: options.seconds,
      warmSeconds: WARM_SECONDS,
    });
    const latency = summarizeLatencies(latencies);
    return { latency, cpuUsPerTransaction: Math.round(cpuUs / Math.max(1, latency.count)) };
  } finally {
    await writer.stop();
  }
}

function value(bytes: number): Buffer {
  return Buffer.alloc(bytes, 'x');
}
