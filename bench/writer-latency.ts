/**
 * The transactional writer alone, with the gateway's transaction shape (2 routed records per job,
 * then an audit and an idempotency record per job naming their offsets, plus a head:
 * `lib/transaction-shape.ts`; 3 named records per job before 2026-12-05) and nothing in front of
 * it: open loop at a fixed rate, latency from the scheduled time to the commit. Compares writer
 * settings (producer lanes) in one run, on the bench's broker. SHAPES=two-sends,one-send adds
 * the shape the gateway cannot use (its ack and audit name the offsets the first send returns):
 * the same 4 records per job in a single send, no participant, to price the second round trip.
 *
 *   LANES=1,2 SHAPES=two-sends npx tsx bench/writer-latency.ts [rate=1000] [seconds=15]
 *
 * Rate 0 writes one job at a time (the next once the previous committed): each latency is then
 * one transaction's own duration, with nothing queued (what `npm run bench` reports as the
 * transaction floor, on the gateway's 2 lanes).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { TransactionalWriter } from '../src/kafka/transactional-writer';
import { newRunId, openBroker } from './lib/broker';
import { summarizeLatencies } from './lib/stats';
import {
  createShapeTopics,
  oneAtATime,
  oneSendRecords,
  routedRecords,
  shapeWriter,
  type ShapeTopics,
} from './lib/transaction-shape';

const VALUE = Buffer.alloc(1000, 'x');

type Shape = 'two-sends' | 'one-send';

async function measure(
  writer: TransactionalWriter<number>,
  topics: ShapeTopics,
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
    const records =
      shape === 'two-sends' ? routedRecords(topics, i, VALUE) : oneSendRecords(topics, i, VALUE);
    pending.push(
      writer.write({ records, events: [i], deadlineAtMs: Date.now() + 30_000 }).then(() => {
        if (i >= rate * 2) latencies.push(performance.now() - scheduled);
      }),
    );
  }
  await Promise.all(pending);
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
  try {
    const shapes = (process.env.SHAPES ?? 'two-sends').split(',') as Shape[];
    for (const [lanes, shape] of (process.env.LANES ?? '1,2')
      .split(',')
      .map(Number)
      .flatMap((l) => shapes.map((sh) => [l, sh] as const))) {
      const prefix = `wl-${newRunId()}.`;
      const topics = await createShapeTopics(kafka, prefix, 3);
      const requests = new Map<string, number>();
      const writer = shapeWriter(countingRequests(kafka, requests), topics, {
        transactionalId: `${prefix}writer`,
        lanes,
        participant: shape === 'two-sends',
      });
      await writer.start();
      const cpuBefore = process.cpuUsage();
      const latencies =
        rate === 0
          ? (await oneAtATime(writer, topics, VALUE, { seconds })).latencies
          : await measure(writer, topics, shape, rate, seconds);
      const cpu = process.cpuUsage(cpuBefore);
      await writer.stop();
      const s = summarizeLatencies(latencies);
      // CPU and requests are counted over every job written, the open loop's first 2 s included
      const written = Math.max(1, rate === 0 ? s.count : rate * seconds);
      // this process's CPU (writer, kafkajs, the generator) per job written
      const cpuUsPerJob = Math.round((cpu.user + cpu.system) / written);
      const sysUsPerJob = Math.round(cpu.system / written);
      const perJob = [...requests]
        .map(([api, count]) => `${api} ${(count / written).toFixed(2)}`)
        .join(', ');
      process.stdout.write(
        `  requests per job: ${perJob} (kafkajs REQUEST events, all producers)\n`,
      );
      process.stdout.write(
        `lanes=${lanes} ${shape} rate=${rate}/s n=${s.count} p50 ${s.p50Ms} p90 ${s.p90Ms} p99 ${s.p99Ms} max ${s.maxMs} mean ${s.meanMs} ms, CPU ${cpuUsPerJob} µs per job (system ${sysUsPerJob})\n`,
      );
    }
  } finally {
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
