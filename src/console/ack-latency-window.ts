import type {
  IntelrouteMetrics,
  PublishMethod,
  PublishOutcomeLabel,
} from '../telemetry/intelroute-metrics';
import type { LatencySummary } from './console-model';

/**
 * Publish -> ack latencies of the last `windowSeconds` seconds, kept as one log-scale histogram
 * per second (buckets 4 % apart from 0.05 ms to ~60 s): recording is a few arithmetic steps and
 * no allocation, the memory is fixed, and a summary sums at most windowSeconds histograms.
 * Quantiles are the upper edge of their bucket (at most 4 % high).
 */
export class AckLatencyWindow {
  private readonly seconds: Array<{ second: number; counts: Uint32Array; max: number }>;

  constructor(
    private readonly windowSeconds = 60,
    private readonly now: () => number = Date.now,
  ) {
    this.seconds = Array.from({ length: windowSeconds }, () => ({
      second: -1,
      counts: new Uint32Array(BUCKETS),
      max: 0,
    }));
  }

  record(milliseconds: number): void {
    if (!(milliseconds >= 0)) return;
    const second = Math.floor(this.now() / 1000);
    const slot = this.seconds[second % this.windowSeconds]!;
    if (slot.second !== second) {
      slot.second = second;
      slot.counts.fill(0);
      slot.max = 0;
    }
    slot.counts[bucketOf(milliseconds)]! += 1;
    if (milliseconds > slot.max) slot.max = milliseconds;
  }

  /** Null when nothing was recorded within the window. */
  summary(): LatencySummary | null {
    const current = Math.floor(this.now() / 1000);
    const total = new Float64Array(BUCKETS);
    let count = 0;
    let max = 0;
    for (const slot of this.seconds) {
      if (slot.second <= current - this.windowSeconds || slot.second > current) continue;
      for (let i = 0; i < BUCKETS; i += 1) total[i]! += slot.counts[i]!;
      for (const n of slot.counts) count += n;
      max = Math.max(max, slot.max);
    }
    if (count === 0) return null;
    return {
      count,
      p50Ms: Math.min(quantile(total, count, 0.5), max),
      p99Ms: Math.min(quantile(total, count, 0.99), max),
      maxMs: max,
    };
  }
}

/**
 * The process's metrics, with each acknowledged publish's duration also recorded in `window`
 * (the gateway reports ack latency through its metrics only: no second hook in the hot path).
 */
export function metricsFeeding(
  metrics: IntelrouteMetrics,
  window: AckLatencyWindow,
): IntelrouteMetrics {
  const feeding: IntelrouteMetrics = Object.create(metrics) as IntelrouteMetrics;
  feeding.publishDuration = (method: PublishMethod, outcome: PublishOutcomeLabel, s: number) => {
    metrics.publishDuration(method, outcome, s);
    if (outcome === 'ack') window.record(s * 1000);
  };
  return feeding;
}

const LOWEST_MS = 0.05;
const GROWTH = 1.04;
const BUCKETS = 360; // 0.05 ms * 1.04^360 ~ 69 s; anything longer lands in the last bucket
const LOG_GROWTH = Math.log(GROWTH);

function bucketOf(milliseconds: number): number {
  if (milliseconds <= LOWEST_MS) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(milliseconds / LOWEST_MS) / LOG_GROWTH));
}

function quantile(counts: Float64Array, count: number, q: number): number {
  const rank = Math.ceil(q * count);
  let seen = 0;
  for (let i = 0; i < BUCKETS; i += 1) {
    seen += counts[i]!;
    if (seen >= rank) return LOWEST_MS * GROWTH ** i;
  }
  return LOWEST_MS * GROWTH ** (BUCKETS - 1);
}
