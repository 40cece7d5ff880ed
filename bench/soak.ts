/**
 * The soak (`--soak`): a fresh gateway under a steady open-loop load for several minutes. Its
 * RSS (from /proc) and live heap (after a forced full GC, from the memory probe) are sampled
 * and their trend reported as a least-squares slope in MB per minute, over the whole soak and
 * over its second half (where start-up growth is over).
 */
import type { BenchCertificates } from './lib/certs';
import type { GatewayProcess } from './lib/gateway-process';
import { MemorySampler } from './lib/memory-sampler';
import { Publishers, openLoop } from './lib/publishers';
import { round1, round2, slope, summarizeLatencies, type LatencySummary } from './lib/stats';
import type { StreamSetting } from './gateway-throughput';

export interface SoakOptions {
  readonly gateway: GatewayProcess;
  readonly certs: BenchCertificates;
  readonly payload: Buffer;
  readonly streams: StreamSetting;
  readonly ratePerSec: number;
  readonly durationMs: number;
  /** Length of each open-loop stretch (latencies and memory are kept across them). */
  readonly chunkMs: number;
  readonly log: (line: string) => void;
}

export interface SoakResult {
  readonly ratePerSec: number;
  readonly durationMin: number;
  readonly acked: number;
  readonly refused: number;
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  readonly peakRssMb: number;
  /** RSS slope over the whole soak and over its second half, MB/min. */
  readonly rssSlopeMbPerMin: number;
  readonly rssSlopeSecondHalfMbPerMin: number;
  /** Live heap (after full GC) at start and end, and its slopes, MB and MB/min. */
  readonly liveHeapStartMb: number;
  readonly liveHeapEndMb: number;
  readonly liveHeapSlopeMbPerMin: number;
  readonly liveHeapSlopeSecondHalfMbPerMin: number;
  /** Live heap per message accepted during the soak, bytes (what the idempotency memory costs). */
  readonly liveHeapBytesPerMessage: number;
  /** The soak gateway's idempotency cache bound (set by the caller). */
  readonly idempotencyMaxEntries?: number;
  readonly ack: LatencySummary;
  /** The highest p99 publish->ack of any chunk (30 s) of the soak: "throughout". */
  readonly worstChunkP99Ms: number;
  /** RSS and live heap every sample, for plotting: [minutes, rssMb, liveHeapMb]. */
  readonly series: ReadonlyArray<readonly [number, number, number]>;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const sampler = new MemorySampler(options.gateway, 5000);
  const startedAt = Date.now();
  const heapBefore = options.gateway.probeSamples().length;
  const latencies: number[] = [];
  const chunkP99Ms: number[] = [];
  let acked = 0;
  let refused = 0;
  let seenSamples = heapBefore;
  const publishers = Publishers.open({
    address: options.gateway.address,
    certs: options.certs,
    ...options.streams,
  });
  try {
    while (Date.now() - startedAt < options.durationMs) {
      const chunkMs = Math.min(options.chunkMs, options.durationMs - (Date.now() - startedAt));
      const result = await openLoop(publishers, options.payload, {
        ratePerSec: options.ratePerSec,
        durationMs: Math.max(1000, chunkMs),
        warmupMs: 0,
      });
      for (const latency of result.latenciesMs) latencies.push(latency);
      chunkP99Ms.push(summarizeLatencies(result.latenciesMs).p99Ms);
      acked += result.acked;
      refused += result.refused;
      const rss = options.gateway.memory().rssMb;
      const samples = options.gateway.probeSamples();
      const stalls = samples.slice(seenSamples);
      seenSamples = samples.length;
      const longest = (field: 'loopMaxMs' | 'gcMaxMs'): number =>
        round1(Math.max(0, ...stalls.map((sample) => sample[field] ?? 0)));
      options.log(
        `  soak ${round1((Date.now() - startedAt) / 60_000)} min: RSS ${round1(rss)} MB, ${acked} acked, p99 ack ${chunkP99Ms[chunkP99Ms.length - 1]} ms, longest event-loop delay ${longest('loopMaxMs')} ms, longest GC ${longest('gcMaxMs')} ms`,
      );
    }
  } finally {
    await publishers.close();
  }
  const rss = sampler.stop().map((s) => ({ x: (s.atMs - startedAt) / 60_000, y: s.rssMb }));
  const heap = options.gateway
    .probeSamples()
    .slice(heapBefore)
    .filter((s) => s.gc)
    .map((s) => ({ x: (s.atMs - startedAt) / 60_000, y: s.heapUsed / 1024 / 1024 }));
  const half = (points: { x: number; y: number }[]): { x: number; y: number }[] => {
    const middle = (points[points.length - 1]?.x ?? 0) / 2;
    return points.filter((p) => p.x >= middle);
  };
  const first = (points: { y: number }[]): number => round1(points[0]?.y ?? 0);
  const last = (points: { y: number }[]): number => round1(points[points.length - 1]?.y ?? 0);
  return {
    ratePerSec: options.ratePerSec,
    durationMin: round2((Date.now() - startedAt) / 60_000),
    acked,
    refused,
    rssStartMb: first(rss),
    rssEndMb: last(rss),
    peakRssMb: round1(Math.max(0, ...rss.map((p) => p.y))),
    rssSlopeMbPerMin: round2(slope(rss)),
    rssSlopeSecondHalfMbPerMin: round2(slope(half(rss))),
    liveHeapStartMb: first(heap),
    liveHeapEndMb: last(heap),
    liveHeapSlopeMbPerMin: round2(slope(heap)),
    liveHeapSlopeSecondHalfMbPerMin: round2(slope(half(heap))),
    liveHeapBytesPerMessage:
      acked === 0 ? 0 : Math.round(((last(heap) - first(heap)) * 1024 * 1024) / acked),
    ack: summarizeLatencies(latencies),
    worstChunkP99Ms: Math.max(0, ...chunkP99Ms),
    series: rss.map((p) => [round2(p.x), round1(p.y), round1(nearest(heap, p.x))]),
  };
}

function nearest(points: readonly { x: number; y: number }[], x: number): number {
  let best = points[0];
  for (const p of points) if (Math.abs(p.x - x) < Math.abs((best?.x ?? Infinity) - x)) best = p;
  return best?.y ?? 0;
}
