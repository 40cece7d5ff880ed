/**
 * One part of `npm run bench` alone, on a fresh gateway and a local broker, for trying a change
 * quickly (the full run takes ~6 minutes):
 *
 *   npx tsx bench/probe.ts latency [rate ...]   publish→ack, open loop (default 100 and 1,000 msg/s;
 *                                               LATENCY_SECONDS, default 15)
 *   npx tsx bench/probe.ts profile [messages]   the CPU profile run (default 20,000 messages), then
 *                                               its stage table (bench/results/probe-*.cpuprofile)
 */
import { runAckLatency } from './latency';
import { newRunId, openBroker, provisionTopics, runPrefix, type BenchBroker } from './lib/broker';
import { createBenchCertificates, type BenchCertificates } from './lib/certs';
import { GatewayProcess } from './lib/gateway-process';
import { BENCH_SENDERS } from './lib/messages';
import { parseBenchOptions } from './lib/options';
import { LATENCY_STREAMS, log, profilePhase, sizeRun } from './phases';

const PAYLOAD = sizeRun('1KB', 1024, 1).payload;

async function latency(
  broker: BenchBroker,
  certs: BenchCertificates,
  rates: number[],
): Promise<void> {
  const prefix = runPrefix(newRunId(), 'gw');
  await provisionTopics(broker, prefix);
  const gateway = await GatewayProcess.start({
    brokers: broker.brokers,
    topicPrefix: prefix,
    certsDir: certs.dir,
    memoryIntervalMs: 500,
  });
  try {
    const seconds = Number(process.env.LATENCY_SECONDS ?? 15);
    for (const rate of rates.length > 0 ? rates : [100, 1000]) {
      const point = await runAckLatency(
        {
          gateway,
          certs,
          payload: PAYLOAD,
          streams: LATENCY_STREAMS,
          durationMs: seconds * 1000,
          warmupMs: 3000,
        },
        rate,
      );
      const stalls = point.gatewayStalls;
      process.stdout.write(
        `publish->ack ${rate}/s: p50 ${point.p50Ms} p90 ${point.p90Ms} p99 ${point.p99Ms} max ${point.maxMs} ms; ` +
          `event loop p99 ${stalls?.loopP99Ms} max ${stalls?.loopMaxMs} ms, longest GC ${stalls?.gcMaxMs} ms\n`,
      );
    }
  } finally {
    await gateway.stop();
  }
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

async function main([mode, ...rest]: string[]): Promise<void> {
  const numbers = rest.map(Number);
  if (mode !== 'latency' && mode !== 'profile')
    throw new RangeError('usage: probe.ts latency|profile …');
  const broker = await openBroker(process.env, log);
  try {
    const certs = await createBenchCertificates(BENCH_SENDERS);
    if (mode === 'latency') await latency(broker, certs, numbers);
    else await profile(broker, certs, numbers[0] ?? 20_000);
  } finally {
    await broker.stop();
  }
}

void main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
