/**
 * Latency at fixed offered loads, open-loop: sends are scheduled at fixed times whatever the
 * acks do, and each latency is measured from the scheduled time, so queueing in the SDK, the
 * gateway or Kafka shows instead of slowing the sender down (no coordinated omission).
 * - publish→ack: until the SDK resolves the send (the transaction committed);
 * - publish→reader: until a kafkajs consumer (read_committed) on the destination's inbox
 *   receives the record.
 */
import { performance } from 'node:perf_hooks';
import type { Kafka } from 'kafkajs';
import { headerText, HEADERS } from '../src/kafka/record-format';
import type { BenchCertificates } from './lib/certs';
import type { GatewayProcess } from './lib/gateway-process';
import { ROUTED_TOPICS } from './lib/messages';
import { Publishers, openLoop, type OpenLoopResult } from './lib/publishers';
import { round2, sleep, summarizeLatencies, type LatencySummary } from './lib/stats';
import type { StreamSetting } from './gateway-throughput';

export interface LatencyOptions {
  readonly gateway: GatewayProcess;
  readonly certs: BenchCertificates;
  readonly payload: Buffer;
  readonly streams: StreamSetting;
  readonly durationMs: number;
  readonly warmupMs: number;
}

/** Percentiles of one offered load, plus what the generator managed. */
export interface LatencyPoint extends LatencySummary {
  readonly offeredPerSec: number;
  readonly achievedPerSec: number;
  readonly sent: number;
  readonly refused: number;
  readonly maxScheduleLagMs: number;
  /** End to end only: messages the reader never received within the wait. */
  readonly missing?: number;
  /**
   * Offered load over the gateway's measured closed-loop peak (1 KB, same run). At 0.9 and
   * above the point is at saturation: its latencies measure the queue, not the gateway.
   */
  readonly utilisation?: number;
  /** The gateway's event loop and GC during the run (from its probe): what stalls it. */
  readonly gatewayStalls?: GatewayStalls;
  /**
   * The gateway's CPU per message at this load (the whole run, warm-up included): beside the
   * closed-loop figure it shows what smaller transactions and idle wake-ups cost per message.
   */
  readonly gatewayCpuMsPerMsg?: number;
}

export interface GatewayStalls {
  /** Highest p99 of any probe interval, and the max, of the event-loop delay, ms. */
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  /** Longest GC pause, and the share of the run's time spent in GC pauses. */
  readonly gcMaxMs: number;
  readonly gcShare: number;
}

/** The stalls the gateway's probe saw between `fromMs` and `toMs` (epoch ms). */
function stallsBetween(gateway: GatewayProcess, fromMs: number, toMs: number): GatewayStalls {
  const samples = gateway.probeSamples().filter((s) => s.atMs > fromMs && s.atMs <= toMs);
  const most = (pick: (s: (typeof samples)[number]) => number | undefined): number =>
    round2(Math.max(0, ...samples.map((s) => pick(s) ?? 0)));
  const gcMs = samples.reduce((sum, s) => sum + (s.gcTotalMs ?? 0), 0);
  return {
    loopP99Ms: most((s) => s.loopP99Ms),
    loopMaxMs: most((s) => s.loopMaxMs),
    gcMaxMs: most((s) => s.gcMaxMs),
    gcShare: round2(gcMs / Math.max(1, toMs - fromMs)),
  };
}

/** publish→ack percentiles at `ratePerSec`. */
export async function runAckLatency(
  options: LatencyOptions,
  ratePerSec: number,
): Promise<LatencyPoint> {
  const publishers = openPublishers(options);
  try {
    const startedAt = Date.now();
    const cpuBefore = options.gateway.cpuSeconds();
    const result = await openLoop(publishers, options.payload, {
      ratePerSec,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
    });
    const cpuSeconds = options.gateway.cpuSeconds() - cpuBefore;
    const measuredFrom = startedAt + options.warmupMs;
    return {
      ...point(result, result.latenciesMs),
      gatewayStalls: stallsBetween(options.gateway, measuredFrom, Date.now()),
      gatewayCpuMsPerMsg: Math.round((cpuSeconds * 1e6) / Math.max(1, result.sent)) / 1000,
    };
  } finally {
    await publishers.close();
  }
}

/** publish→reader percentiles at `ratePerSec`, read from the destination's inbox topic. */
export async function runEndToEndLatency(
  options: LatencyOptions & { readonly kafka: Kafka; readonly topicPrefix: string },
  ratePerSec: number,
): Promise<LatencyPoint> {
  const scheduled = new Map<string, number>();
  const received: number[] = [];
  const topic = `${options.topicPrefix}${ROUTED_TOPICS[0]}`;
  const consumer = options.kafka.consumer({
    groupId: `${options.topicPrefix}bench-e2e`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const id = headerText(message.headers, HEADERS.messageId);
        const at = id === undefined ? undefined : scheduled.get(id);
        if (at === undefined) continue;
        scheduled.delete(id as string);
        received.push(now - at);
      }
    },
  });
  await joined;
  await sleep(1000); // let the first fetch position itself at the log end
  const publishers = openPublishers(options);
  try {
    const result = await openLoop(publishers, options.payload, {
      ratePerSec,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      onScheduled: (id, at) => scheduled.set(id, at),
    });
    const deadline = Date.now() + 10_000;
    while (scheduled.size > 0 && Date.now() < deadline) await sleep(100);
    return { ...point(result, received), missing: scheduled.size };
  } finally {
    await publishers.close();
    await consumer.disconnect();
  }
}

function openPublishers(options: LatencyOptions): Publishers {
  return Publishers.open({
    address: options.gateway.address,
    certs: options.certs,
    ...options.streams,
  });
}

function point(result: OpenLoopResult, latenciesMs: readonly number[]): LatencyPoint {
  return {
    offeredPerSec: result.offeredPerSec,
    achievedPerSec: result.achievedPerSec,
    sent: result.sent,
    refused: result.refused,
    maxScheduleLagMs: result.maxScheduleLagMs,
    ...summarizeLatencies(latenciesMs),
  };
}
