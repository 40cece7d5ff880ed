/**
 * One part of `npm run bench` alone, on a fresh gateway and a local broker, for trying a change
 * quickly (the full run takes ~6 minutes):
 *
 *   npx tsx bench/probe.ts latency [rate ...]   publish→ack, open loop (default 100 and 1,000 msg/s;
 *                                               LATENCY_SECONDS, default 15), beside the gateway's
 *                                               own histograms of the same messages (request→result
 *                                               and the writer's queue→commit), from its /metrics;
 *                                               LATENCY_STREAMS_PER_SENDER (default 1); node flags
 *                                               for the gateway in LOAD_NODE_FLAGS, as for load
 *   npx tsx bench/probe.ts profile [messages]   the CPU profile run (default 20,000 messages), then
 *                                               its stage table (bench/results/probe-*.cpuprofile)
 *   npx tsx bench/probe.ts load [streams window ...]  closed-loop runs on one fresh gateway (default
 *                                               1x128, 2x256, 4x256 streams per sender x window;
 *                                               LOAD_MESSAGES, default 40,000): msg/s, gateway CPU
 *                                               per message, highest RSS in each run and the peak
 *                                               (LOAD_NODE_FLAGS: node flags for the gateway;
 *                                               PROBE_GATEWAY_CONFIG as for latency, e.g.
 *                                               '{"idempotencyMaxEntries":100000}' to run with a
 *                                               full idempotency store)
 *   npx tsx bench/probe.ts soak rate [minutes]  the soak alone (default 3 minutes) at `rate` msg/s
 */
import { createServer } from 'node:net';
import { runAckLatency } from './latency';
import { newRunId, openBroker, provisionTopics, runPrefix, type BenchBroker } from './lib/broker';
import { createBenchCertificates, type BenchCertificates } from './lib/certs';
import { GatewayProcess, type GatewayProcessOptions } from './lib/gateway-process';
import { measureGateway, describeStreams, type StreamSetting } from './gateway-throughput';
import { BENCH_SENDERS } from './lib/messages';
import { parseBenchOptions } from './lib/options';
import {
  GATEWAY_SETTINGS,
  LATENCY_STREAMS,
  log,
  profilePhase,
  sizeRun,
  SOAK_SHARE_OF_PEAK,
  soakPhase,
} from './phases';

const PAYLOAD = sizeRun('1KB', 1024, 1).payload;

/** Node flags for the probe's gateway (LOAD_NODE_FLAGS, space-separated), e.g. --cpu-prof. */
function gatewayNodeFlags(): string[] {
  return (process.env.LOAD_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
}

async function latency(
  broker: BenchBroker,
  certs: BenchCertificates,
  rates: number[],
): Promise<void> {
  const metricsPort = await freePort();
  const gateway = await freshGateway(broker, certs, 'gw', {
    memoryIntervalMs: 500,
    gatewayConfig: probeGatewayConfig(),
    nodeFlags: gatewayNodeFlags(),
    env: { INTELROUTE_METRICS_HOST: '127.0.0.1', INTELROUTE_METRICS_PORT: String(metricsPort) },
  });
  const scrape = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  try {
    const seconds = Number(process.env.LATENCY_SECONDS ?? 15);
    for (const rate of rates.length > 0 ? rates : [100, 1000]) {
      const before = await scrape();
      const point = await runAckLatency(
        {
          gateway,
          certs,
          payload: PAYLOAD,
          streams: {
            ...LATENCY_STREAMS,
            streamsPerSender: Number(
              process.env.LATENCY_STREAMS_PER_SENDER ?? LATENCY_STREAMS.streamsPerSender,
            ),
          },
          durationMs: seconds * 1000,
          warmupMs: 3000,
        },
        rate,
      );
      const stalls = point.gatewayStalls;
      process.stdout.write(
        `publish->ack ${rate}/s: p50 ${point.p50Ms} p90 ${point.p90Ms} p99 ${point.p99Ms} max ${point.maxMs} ms; ` +
          `event loop p99 ${stalls?.loopP99Ms} max ${stalls?.loopMaxMs} ms, longest GC ${stalls?.gcMaxMs} ms; gateway CPU ${point.gatewayCpuMsPerMsg} ms per message\n`,
      );
      const after = await scrape();
      for (const [label, metric] of GATEWAY_HISTOGRAMS) {
        process.stdout.write(
          `  ${label}: ${describeHistogram(histogramDelta(before, after, metric))}\n`,
        );
      }
    }
  } finally {
    await gateway.stop();
  }
}

/** A gateway process on topics of its own (`phase` names them). */
async function freshGateway(
  broker: BenchBroker,
  certs: BenchCertificates,
  phase: string,
  options: Omit<GatewayProcessOptions, 'brokers' | 'topicPrefix' | 'certsDir'>,
): Promise<GatewayProcess> {
  const prefix = runPrefix(newRunId(), phase);
  await provisionTopics(broker, prefix);
  return GatewayProcess.start({
    brokers: broker.brokers,
    topicPrefix: prefix,
    certsDir: certs.dir,
    ...options,
  });
}

/** PROBE_GATEWAY_CONFIG: JSON merged into the gateway's config (`{"maxInFlightPerStream":1024}`). */
function probeGatewayConfig(): Record<string, unknown> {
  const text = process.env.PROBE_GATEWAY_CONFIG;
  return text === undefined || text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** The gateway's own view of the same messages (warm-up included), by histogram bucket. */
const GATEWAY_HISTOGRAMS = [
  ['gateway request->result', 'intelroute_publish_duration_seconds_bucket'],
  ['writer queue->commit   ', 'messaging_client_operation_duration_seconds_bucket'],
] as const;

/** Cumulative counts per upper bound (seconds), summed over every label set, after - before. */
function histogramDelta(before: string, after: string, metric: string): Map<number, number> {
  const read = (text: string): Map<number, number> => {
    const counts = new Map<number, number>();
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${metric}{`)) continue;
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Infinity : Number(le);
      counts.set(bound, (counts.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    return counts;
  };
  const [from, to] = [read(before), read(after)];
  return new Map([...to].map(([bound, count]) => [bound, count - (from.get(bound) ?? 0)]));
}

function describeHistogram(cumulative: Map<number, number>): string {
  const total = cumulative.get(Infinity) ?? 0;
  if (total === 0) return 'no samples';
  const within = [...cumulative]
    .filter(([bound]) => [0.005, 0.01, 0.025, 0.05, 0.1].includes(bound))
    .sort(([a], [b]) => a - b)
    .map(([bound, count]) => `<=${bound * 1000} ms ${((100 * count) / total).toFixed(1)} %`);
  return `${total} messages; ${within.join(', ')}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

async function profile(
  broker: BenchBroker,
  certs: BenchCertificates,
  messages: number,
): Promise<void> {
  const options = { ...parseBenchOptions([]), messages: messages * 2 };
  const size = sizeRun('1KB', 1024, messages * 2);
  const result = await profilePhase(
    options,
    { broker, runId: newRunId(), certs, resultsDir: `${__dirname}/results` },
    size,
    { streamsPerSender: 2, maxInFlight: 256 },
  );
  process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
}

async function load(
  broker: BenchBroker,
  certs: BenchCertificates,
  settings: StreamSetting[],
): Promise<void> {
  const gateway = await freshGateway(broker, certs, 'load', {
    memoryIntervalMs: 250,
    gatewayConfig: probeGatewayConfig(),
    nodeFlags: gatewayNodeFlags(),
  });
  try {
    const messages = Number(process.env.LOAD_MESSAGES ?? 40_000);
    for (const setting of settings) {
      const run = await measureGateway(
        {
          gateway,
          certs,
          brokerPid: broker.pid,
          payload: PAYLOAD,
          recordBytes: 0,
          warmupMessages: Math.round(messages / 10),
          timeoutMs: 180_000,
        },
        setting,
        messages,
      );
      process.stdout.write(
        `${describeStreams(setting)}: ${run.msgsPerSec} msg/s, gateway CPU ` +
          `${run.cpuMsPerMsg.gateway?.toFixed(3)} ms/msg, RSS max ${run.rssMaxMb} MB` +
          `${run.refused > 0 ? `, ${run.refused} refused (${run.firstRefusal})` : ''}\n`,
      );
    }
    const peak = (field: 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers'): string =>
      (Math.max(0, ...gateway.probeSamples().map((s) => s[field])) / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `peak RSS (VmHWM) ${gateway.memory().hwmMb.toFixed(1)} MB; peak heap total ${peak('heapTotal')}, ` +
        `used ${peak('heapUsed')}, external ${peak('external')}, array buffers ${peak('arrayBuffers')} MB\n`,
    );
  } finally {
    await gateway.stop();
  }
}

async function soak(
  broker: BenchBroker,
  certs: BenchCertificates,
  rate: number,
  minutes: number,
): Promise<void> {
  const options = { ...parseBenchOptions([]), soakMinutes: minutes };
  const context = { broker, runId: newRunId(), certs, resultsDir: `${__dirname}/results` };
  // soakPhase offers SOAK_SHARE_OF_PEAK of the peak it is given
  const peak = rate / SOAK_SHARE_OF_PEAK;
  const result = await soakPhase(options, context, sizeRun('1KB', 1024, 1), peak);
  if (result === undefined) throw new Error('the soak gave no result');
  const { ack, worstChunkP99Ms, acked, liveHeapSlopeSecondHalfMbPerMin, peakRssMb } = result;
  process.stdout.write(
    `soak ${result.ratePerSec} msg/s for ${result.durationMin} min: ${acked} acked, ack p50 ` +
      `${ack.p50Ms} p99 ${ack.p99Ms} ms, worst 30-s p99 ${worstChunkP99Ms} ms, peak RSS ` +
      `${peakRssMb} MB, live heap ${liveHeapSlopeSecondHalfMbPerMin} MB/min (2nd half)\n`,
  );
}

/** `1 128 2 256` -> two settings; none -> the bench's own three. */
function streamSettings(numbers: number[]): StreamSetting[] {
  if (numbers.length === 0) return [...GATEWAY_SETTINGS];
  const settings: StreamSetting[] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) {
    settings.push({ streamsPerSender: numbers[i]!, maxInFlight: numbers[i + 1]! });
  }
  return settings;
}

async function main([mode, ...rest]: string[]): Promise<void> {
  const numbers = rest.map(Number);
  if (mode !== 'latency' && mode !== 'profile' && mode !== 'load' && mode !== 'soak')
    throw new RangeError('usage: probe.ts latency|profile|load|soak …');
  const broker = await openBroker(process.env, log);
  try {
    const certs = await createBenchCertificates(BENCH_SENDERS);
    if (mode === 'latency') await latency(broker, certs, numbers);
    else if (mode === 'load') await load(broker, certs, streamSettings(numbers));
    else if (mode === 'soak') await soak(broker, certs, numbers[0] ?? 2000, numbers[1] ?? 3);
    else await profile(broker, certs, numbers[0] ?? 20_000);
  } finally {
    await broker.stop();
  }
}

void main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
