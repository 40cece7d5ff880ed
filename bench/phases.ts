/**
 * The phases of `npm run bench`, each a thin wrapper that logs its progress and calls the
 * measurement module with the run's settings. The orchestration is in run-bench.ts.
 */
import type { BatchSetting } from './baseline';
import type { StreamSetting } from './gateway-throughput';
import { provisionTopics, runPrefix, type BenchBroker } from './lib/broker';
import type { BenchCertificates } from './lib/certs';
import { GatewayProcess } from './lib/gateway-process';
import {
  ROUTED_TOPICS,
  benchEnvelope,
  checkBenchTraffic,
  gatewayRecords,
  vendorReportPayload,
} from './lib/messages';
import type { BenchOptions } from './lib/options';
import type { MemoryFigures, SizeLabel } from './lib/results';
import { round1 } from './lib/stats';
import { runProfile, type ProfileResult } from './profile';
import { runSoak } from './soak';

/** Longest any single measurement may run (they are bounded by count; this bounds a stall). */
export const RUN_TIMEOUT_MS = 180_000;
/** The soak's rate as a share of the short-run 1 KB peak (the 70 %). */
export const SOAK_SHARE_OF_PEAK = 0.7;

/** Seconds of soak traffic the soak gateway's idempotency memory holds. */
const SOAK_CACHE_SECONDS = 60;
/** Topics each message goes to. */
export const FAN_OUT = ROUTED_TOPICS.length;

/** Batch settings the baseline tries (the best is kept). */
export const BASELINE_SETTINGS: Record<SizeLabel, BatchSetting[]> = {
  '1KB': grid([50, 200, 1000], [1, 2, 4]),
  // 200 messages of 8 KB is ~0.6 MB per partition batch: below the topics' 2 MB record limit.
  '8KB': grid([50, 200], [1, 4]),
};

/** Stream settings the gateway tries at 1 KB (the best is kept, and reused at 8 KB). */
export const GATEWAY_SETTINGS: readonly StreamSetting[] = [
  { streamsPerSender: 1, maxInFlight: 128 },
  { streamsPerSender: 2, maxInFlight: 256 },
  { streamsPerSender: 4, maxInFlight: 256 },
];

/** Open-loop runs: one stream per sender, a window deep enough never to throttle the schedule. */
export const LATENCY_STREAMS: StreamSetting = { streamsPerSender: 1, maxInFlight: 1024 };

/** One payload size of the throughput runs. */
export interface SizeRun {
  readonly label: SizeLabel;
  readonly payload: Buffer;
  readonly messages: number;
  /** One message record as written: value + key + header names and values, bytes. */
  readonly recordBytes: number;
}

/** @throws IntelrouteError when the payload would not pass the gateway or not route to 2 topics. */
export function sizeRun(label: SizeLabel, targetBytes: number, messages: number): SizeRun {
  const payload = vendorReportPayload(targetBytes);
  checkBenchTraffic(payload);
  const record = gatewayRecords(benchEnvelope('FR', payload), '')[0]!;
  const headerBytes = Object.entries(record.headers).reduce(
    (sum, [name, value]) => sum + name.length + value.length,
    0,
  );
  return {
    label,
    payload,
    messages,
    recordBytes: record.value.length + record.key.length + headerBytes,
  };
}

/** 1,000 msg/s, half the measured peak, and 5,000 msg/s when that is well below the peak. */
export function offeredLoads(peakPerSec: number): number[] {
  const loads = new Set([1000, Math.max(100, Math.round(peakPerSec / 2 / 100) * 100)]);
  if (5000 <= peakPerSec * 0.7) loads.add(5000);
  return [...loads].sort((a, b) => a - b);
}

/** Peak RSS (VmHWM) and the probe's peak heap after the full-load runs. */
export function fullLoadMemory(gateway: GatewayProcess, idleRssMb: number): MemoryFigures {
  const probe = gateway.probeSamples();
  const mb = (bytes: number): number => round1(bytes / 1024 / 1024);
  return {
    peakRssMb: round1(gateway.memory().hwmMb),
    peakHeapUsedMb: mb(Math.max(0, ...probe.map((s) => s.heapUsed))),
    peakHeapTotalMb: mb(Math.max(0, ...probe.map((s) => s.heapTotal))),
    idleRssMb,
  };
}

export async function profilePhase(
  options: BenchOptions,
  context: PhaseContext,
  size: SizeRun,
  streams: StreamSetting,
): Promise<ProfileResult> {
  log('profile: a fresh gateway with --cpu-prof under the 1 KB closed-loop load');
  const prefix = runPrefix(context.runId, 'prof');
  await provisionTopics(context.broker, prefix);
  const result = await runProfile({
    brokers: context.broker.brokers,
    topicPrefix: prefix,
    certs: context.certs,
    payload: size.payload,
    streams,
    messages: options.quick ? size.messages : Math.round(size.messages / 2),
    timeoutMs: RUN_TIMEOUT_MS,
    outputDir: context.resultsDir,
    name: `gateway-${new Date().toISOString().slice(0, 10)}`,
  });
  log(`  ${result.msgsPerSec} msg/s under the profiler; ${result.file}`);
  return result;
}

export async function soakPhase(
  options: BenchOptions,
  context: PhaseContext,
  size: SizeRun,
  peakPerSec: number,
): Promise<MemoryFigures['soak']> {
  const rate = Math.max(100, Math.round((peakPerSec * SOAK_SHARE_OF_PEAK) / 100) * 100);
  log(`soak: ${options.soakMinutes} min at ${rate} msg/s on a fresh gateway`);
  const prefix = runPrefix(context.runId, 'soak');
  await provisionTopics(context.broker, prefix);
  // The idempotency memory is a cache bounded by idempotencyMaxEntries (default 250,000, about
  // 0.2 KB each): sized to one minute of the soak here, it is full early, and whatever the live
  // heap still gains after that is growth without bound.
  const idempotencyMaxEntries = rate * SOAK_CACHE_SECONDS;
  log(`  idempotencyMaxEntries ${idempotencyMaxEntries} (${SOAK_CACHE_SECONDS} s of the soak)`);
  const gateway = await GatewayProcess.start({
    brokers: context.broker.brokers,
    topicPrefix: prefix,
    certsDir: context.certs.dir,
    memoryIntervalMs: 10_000,
    gcBeforeSample: true,
    gatewayConfig: { idempotencyMaxEntries },
  });
  try {
    const result = await runSoak({
      gateway,
      certs: context.certs,
      payload: size.payload,
      streams: LATENCY_STREAMS,
      ratePerSec: rate,
      durationMs: options.soakMinutes * 60_000,
      chunkMs: 30_000,
      log,
    });
    return { ...result, idempotencyMaxEntries };
  } finally {
    await gateway.stop();
  }
}

/** What every phase of one run shares. */
export interface PhaseContext {
  readonly broker: BenchBroker;
  readonly runId: string;
  readonly certs: BenchCertificates;
  readonly resultsDir: string;
}

function grid(batches: readonly number[], concurrencies: readonly number[]): BatchSetting[] {
  return batches.flatMap((messagesPerBatch) =>
    concurrencies.map((concurrency) => ({ messagesPerBatch, concurrency })),
  );
}

/** Progress on stderr (the table goes to stdout). */
export function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
