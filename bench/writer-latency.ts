/**
 * The transactional writer alone, with the gateway's transaction shape (2 routed records per job,
 * then 3 participant records per job naming their offsets, plus a head) and nothing in front of
 * it: open loop at a fixed rate, latency from the scheduled time to the commit. Compares writer
 * settings (producer lanes) in one run, on the bench's broker. SHAPES=two-sends,one-send adds
 * the shape the gateway cannot use (its ack and audit name the offsets the first send returns):
 * the same 5 records per job in a single send, no participant, to price the second round trip.
 *
 *   LANES=1,2 SHAPES=two-sends npx tsx bench/writer-latency.ts [rate=1000] [seconds=15]
 *
 * Rate 0 writes one job at a time (the next once the previous committed): each latency is then
 * one transaction's own duration, with nothing queued. PLAN=0 keeps the participant from
 * announcing its records, so each send registers its own partitions (the writer before
 * 2026-12-04 afternoon): the A/B of the single AddPartitionsToTxn.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import {
  TransactionalWriter,
  type LandedJob,
  type TransactionParticipant,
  type WriteJob,
} from '../src/kafka/transactional-writer';
import type { OutboundRecord } from '../src/kafka/record-format';
import { createTopicsAndWait } from '../src/kafka/topic-admin';
import { silentLogger } from '../src/telemetry/logger';
import { newRunId, openBroker } from './lib/broker';
import { summarizeLatencies } from './lib/stats';

const VALUE = Buffer.alloc(1000, 'x');

/** The audit + idempotency shape: 3 records per job naming offsets, then one head. */
class ShapeParticipant implements TransactionParticipant<number> {
  constructor(private readonly topics: { audit: string; idem: string; heads: string }) {}
  prepare(landed: readonly LandedJob<number>[]): OutboundRecord[] {
    const named = landed.flatMap(({ job, locations }) => {
      const value = Buffer.from(JSON.stringify({ id: job.events[0], locations }));
      const key = Buffer.from(String(job.events[0]));
      return [
        { topic: this.topics.audit, key: Buffer.from('chain'), value, headers: {} },
        { topic: this.topics.audit, key: Buffer.from('chain'), value, headers: {} },
        { topic: this.topics.idem, key, value, headers: {} },
      ];
    });
    const head = {
      topic: this.topics.heads,
      key: Buffer.from('chain'),
      value: VALUE.subarray(0, 200),
      headers: {},
    };
    return [...named, head];
  }
  /** Announced unless PLAN=0 (then each send registers its own partitions, as before). */
  readonly plannedRecords =
    process.env.PLAN === '0'
      ? undefined
      : (jobs: readonly WriteJob<number>[]): Array<{ topic: string; key: Buffer }> => [
          { topic: this.topics.audit, key: Buffer.from('chain') },
          { topic: this.topics.heads, key: Buffer.from('chain') },
          ...jobs.map((job) => ({
            topic: this.topics.idem,
            key: Buffer.from(String(job.events[0])),
          })),
        ];
  committed(): void {}
  aborted(): void {}
}

type Shape = 'two-sends' | 'one-send';

async function measure(
  writer: TransactionalWriter<number>,
  topics: { a: string; b: string; audit: string; idem: string },
  shape: Shape,
  rate: number,
  seconds: number,
): Promise<number[]> {
  const latencies: number[] = [];
  const start = performance.now() + 50;
  const total = rate * seconds;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await sleep(wait);
    const key = Buffer.from(`m-${i}`);
    const routed = [topics.a, topics.b].map((topic) => ({ topic, key, value: VALUE, headers: {} }));
    const named = { key, value: VALUE.subarray(0, 300), headers: {} };
    const records =
      shape === 'two-sends'
        ? routed
        : [
            ...routed,
            { ...named, topic: topics.audit, key: Buffer.from('chain') },
            { ...named, topic: topics.audit, key: Buffer.from('chain') },
            { ...named, topic: topics.idem },
          ];
    pending.push(
      writer.write({ records, events: [i], deadlineAtMs: Date.now() + 30_000 }).then(() => {
        if (i >= rate * 2) latencies.push(performance.now() - scheduled);
      }),
    );
  }
  await Promise.all(pending);
  return latencies;
}

/** Rate 0: one job at a time for `seconds`, each written once the previous committed. */
async function oneAtATime(
  writer: TransactionalWriter<number>,
  topics: { a: string; b: string },
  seconds: number,
): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end; i += 1) {
    const key = Buffer.from(`m-${i}`);
    const records = [topics.a, topics.b].map((topic) => ({
      topic,
      key,
      value: VALUE,
      headers: {},
    }));
    const started = performance.now();
    await writer.write({ records, events: [i], deadlineAtMs: Date.now() + 30_000 });
    if (i >= 50) latencies.push(performance.now() - started);
  }
  return latencies;
}

/** The client whose producers count each request they make, by API name. */
function countingRequests(kafka: Kafka, requests: Map<string, number>): Kafka {
  return new Proxy(kafka, {
    get(target, property, receiver) {
      if (property !== 'producer') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<Kafka['producer']>) => {
        const producer = target.producer(...args);
        producer.on(producer.events.REQUEST, ({ payload }) =>
          requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1),
        );
        return producer;
      };
    },
  });
}

async function main(): Promise<void> {
  const rate = Number(process.argv[2] ?? 1000);
  const seconds = Number(process.argv[3] ?? 15);
  const broker = await openBroker(process.env, (line) => process.stderr.write(`${line}\n`));
  const kafka = broker.client('writer-latency');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const shapes = (process.env.SHAPES ?? 'two-sends').split(',') as Shape[];
    for (const [lanes, shape] of (process.env.LANES ?? '1,2')
      .split(',')
      .map(Number)
      .flatMap((l) => shapes.map((sh) => [l, sh] as const))) {
      const prefix = `wl-${newRunId()}.`;
      const names = ['a', 'b', 'audit', 'idem', 'heads'].map((n) => `${prefix}${n}`);
      await createTopicsAndWait(
        admin,
        names.map((name) => ({ name, partitions: 3, replicationFactor: 1, configs: {} })),
      );
      const [a, b, audit, idem, heads] = names as [string, string, string, string, string];
      const requests = new Map<string, number>();
      const writer = new TransactionalWriter<number>({
        kafka: countingRequests(kafka, requests),
        transactionalId: `${prefix}writer`,
        logger: silentLogger(),
        participants: shape === 'two-sends' ? [new ShapeParticipant({ audit, idem, heads })] : [],
        lanes,
      });
      await writer.start();
      const cpuBefore = process.cpuUsage();
      const latencies =
        rate === 0
          ? await oneAtATime(writer, { a, b }, seconds)
          : await measure(writer, { a, b, audit, idem }, shape, rate, seconds);
      const cpu = process.cpuUsage(cpuBefore);
      await writer.stop();
      const s = summarizeLatencies(latencies);
      // this process's CPU (writer, kafkajs, the generator) per job written
      const cpuUsPerJob = Math.round((cpu.user + cpu.system) / Math.max(1, s.count));
      const sysUsPerJob = Math.round(cpu.system / Math.max(1, s.count));
      const perJob = [...requests]
        .map(([api, count]) => `${api} ${(count / Math.max(1, s.count)).toFixed(2)}`)
        .join(', ');
      process.stdout.write(
        `  requests per job: ${perJob} (kafkajs REQUEST events, all producers)\n`,
      );
      process.stdout.write(
        `lanes=${lanes} ${shape} rate=${rate}/s n=${s.count} p50 ${s.p50Ms} p90 ${s.p90Ms} p99 ${s.p99Ms} max ${s.maxMs} mean ${s.meanMs} ms, CPU ${cpuUsPerJob} µs per job (system ${sysUsPerJob})\n`,
      );
    }
  } finally {
    await admin.disconnect();
    await broker.stop();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
