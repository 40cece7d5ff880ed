/**
 * `npm run bench`: the gateway's price over producing to Kafka directly, measured in one go on
 * one broker and reported as ratios to baselines measured in the same run (the machines are
 * shared and noisy: absolute figures move, ratios much less). See bench/README.md.
 *
 * Order: validator alone → idempotency memory → machine floor → the core alone (a child) →
 * broker → for 1 KB then 8 KB: ceiling, baseline, gateway → one transaction at a time (the
 * transaction floor, with the broker and kafkajs warm) → latency
 * (publish→ack at fixed offered loads, publish→reader at 1,000 msg/s) → profile → soak
 * (`--soak` only) → table on stdout, JSON in bench/results/<date>.json.
 */
import path from 'node:path';
import type { StreamSetting } from './gateway-throughput';
import {
  runAckLatency,
  runEndToEndLatency,
  type LatencyOptions,
  type LatencyPoint,
} from './latency';
import {
  BENCH_PARTITIONS,
  createTopic,
  deleteRunTopics,
  newRunId,
  openBroker,
  provisionTopics,
  runPrefix,
} from './lib/broker';
import { createBenchCertificates } from './lib/certs';
import { GatewayProcess } from './lib/gateway-process';
import { finishMachineInfo, machineInfo } from './lib/machine';
import { measureMachineFloor } from './lib/machine-floor';
import { BENCH_DESTINATION, BENCH_SENDERS, PROJECT_DIR, ROUTED_TOPICS } from './lib/messages';
import { parseBenchOptions, type BenchOptions } from './lib/options';
import { checkTargets, formatTable, writeResults } from './lib/report';
import type { BenchResults, SizeLabel } from './lib/results';
import { ratio, round1 } from './lib/stats';
import {
  BASELINE_SETTINGS,
  GATEWAY_SETTINGS,
  LATENCY_STREAMS,
  fullLoadMemory,
  log,
  offeredLoads,
  profilePhase,
  sizeRun,
  soakPhase,
  type PhaseContext,
  type SizeRun,
} from './phases';
import { measureThroughput, type SizeThroughput } from './throughput';
import { runValidatorBench } from './validator-bench';
import { measureIdempotencyMemoryInChild } from './idempotency-memory';
import { measureCoreInChild } from './pipeline-bench';
import { measureTransactionFloor } from './lib/transaction-shape';

const RESULTS_DIR = path.join(__dirname, 'results');

/** Everything a run measures (the rest of BenchResults is about the run itself). */
type Measured = Omit<
  BenchResults,
  | 'version'
  | 'startedAt'
  | 'finishedAt'
  | 'durationSec'
  | 'options'
  | 'machine'
  | 'broker'
  | 'validator'
  | 'idempotency'
  | 'coreCpuUsPerMsg'
  | 'targets'
>;

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  log(`${machine.cores} cores, ${machine.cpuModel}, load ${machine.loadAverageAtStart.join(' ')}`);
  log('validator alone (one core, nothing else running yet)');
  const validator = runValidatorBench({ durationMs: options.quick ? 1000 : 3000 });
  log('idempotency memory alone (250,000 ids, a child with --expose-gc)');
  const idempotency = measureIdempotencyMemoryInChild();
  log('machine floor: loopback round trips between two processes, idle timer wake-ups');
  machine.floor = await measureMachineFloor();
  log('the core alone: validation to records, no gRPC, TLS or Kafka (a child process)');
  const coreCpuUsPerMsg = measureCoreInChild(options.quick ? 5_000 : 20_000);
  const broker = await openBroker(process.env, log);
  const runId = newRunId();
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the gateway children and the broker`);
    GatewayProcess.killAll();
    process.exitCode = 130;
    void broker.stop().finally(() => process.exit());
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const certs = await createBenchCertificates(BENCH_SENDERS);
    const context: PhaseContext = { broker, runId, certs, resultsDir: RESULTS_DIR };
    const measured = await measure(options, context);
    finishMachineInfo(machine);
    const partial = {
      version: 1 as const,
      startedAt: startedAt.toISOString(),
      options: { ...options },
      machine,
      broker: {
        kind: broker.kind,
        kafkaVersion: broker.kafkaVersion,
        partitions: BENCH_PARTITIONS,
      },
      validator: { perSecPerCore: validator.perSecPerCore, payloadBytes: validator.payloadBytes },
      idempotency,
      coreCpuUsPerMsg,
      ...measured,
    };
    const results: BenchResults = {
      ...partial,
      finishedAt: new Date().toISOString(),
      durationSec: Math.round((Date.now() - startedAt.getTime()) / 1000),
      targets: checkTargets(partial),
    };
    const file = writeResults(results, RESULTS_DIR);
    process.stdout.write(
      `${formatTable(results)}\n\nresults: ${path.relative(PROJECT_DIR, file)}\n`,
    );
  } finally {
    await deleteRunTopics(broker, runId).catch(() => undefined);
    await broker.stop();
  }
}

async function measure(options: BenchOptions, context: PhaseContext): Promise<Measured> {
  const { broker, runId, certs } = context;
  const gatewayPrefix = runPrefix(runId, 'gw');
  const baselinePrefix = runPrefix(runId, 'base');
  const ceilingTopic = `${runPrefix(runId, 'ceiling')}records`;
  await provisionTopics(broker, gatewayPrefix);
  await provisionTopics(broker, baselinePrefix);
  await createTopic(broker, ceilingTopic);
  const sizes: readonly [SizeRun, SizeRun] = [
    sizeRun('1KB', 1024, options.messages),
    sizeRun('8KB', 8192, Math.round(options.messages / 4)),
  ];
  log('starting the gateway (node dist/cli/main.js gateway)');
  const gateway = await GatewayProcess.start({
    brokers: broker.brokers,
    topicPrefix: gatewayPrefix,
    certsDir: certs.dir,
    memoryIntervalMs: 500,
  });
  const results: Partial<Record<SizeLabel, SizeThroughput>> = {};
  try {
    const idleRssMb = round1(gateway.memory().rssMb);
    let known: StreamSetting | undefined;
    for (const size of sizes) {
      const measured = await measureThroughput(
        { broker, certs, gateway },
        { baselinePrefix, ceilingTopic },
        size,
        {
          baseline: BASELINE_SETTINGS[size.label],
          gateway: GATEWAY_SETTINGS,
          known,
          rounds: options.rounds,
          transactionalCeiling: size.label === '1KB',
        },
      );
      results[size.label] = measured;
      known ??= measured.gateway.best;
    }
    const memory = fullLoadMemory(gateway, idleRssMb);
    log("transaction floor: one transaction of the gateway's shape at a time, nothing queued");
    const transactionFloor = await measureTransactionFloor(
      broker.client('intelroute-bench-txn-floor'),
      runPrefix(runId, 'txn'),
      {
        partitions: BENCH_PARTITIONS,
        valueBytes: sizes[0].recordBytes,
        seconds: options.quick ? 3 : 10,
      },
    );
    const peak = results['1KB']?.gateway.msgsPerSec ?? 0;
    const latency = await latencyPhase(options, context, gateway, gatewayPrefix, sizes[0], peak);
    await gateway.stop();
    const best = results['1KB']?.gateway.best ?? (GATEWAY_SETTINGS[0] as StreamSetting);
    const profile = options.profile
      ? await profilePhase(options, context, sizes[0], best)
      : undefined;
    const soak = options.soak ? await soakPhase(options, context, sizes[0], peak) : undefined;
    return {
      ...summary(sizes, results),
      transactionFloor,
      latency,
      memory: soak === undefined ? memory : { ...memory, soak },
      ...(profile === undefined ? {} : { profile }),
    };
  } finally {
    await gateway.stop();
  }
}

async function latencyPhase(
  options: BenchOptions,
  context: PhaseContext,
  gateway: GatewayProcess,
  topicPrefix: string,
  size: SizeRun,
  peak: number,
): Promise<Measured['latency']> {
  const latency: LatencyOptions = {
    gateway,
    certs: context.certs,
    payload: size.payload,
    streams: LATENCY_STREAMS,
    durationMs: options.latencySeconds * 1000,
    warmupMs: 3000,
  };
  const utilisation = (rate: number): number => (peak === 0 ? 0 : ratio(rate, peak));
  const ack: LatencyPoint[] = [];
  for (const rate of offeredLoads(peak)) {
    log(`latency publish->ack at ${rate} msg/s (${options.latencySeconds} s, open loop)`);
    ack.push({ ...(await runAckLatency(latency, rate)), utilisation: utilisation(rate) });
  }
  log('latency publish->reader at 1000 msg/s (read_committed consumer)');
  const kafka = context.broker.client('intelroute-bench-e2e');
  const point = await runEndToEndLatency({ ...latency, kafka, topicPrefix }, 1000);
  return { ack, endToEnd: [{ ...point, utilisation: utilisation(1000) }] };
}

function summary(
  sizes: readonly SizeRun[],
  results: Partial<Record<SizeLabel, SizeThroughput>>,
): Pick<
  Measured,
  'traffic' | 'ceiling' | 'baseline' | 'baselinePlatformatic' | 'gateway' | 'ratios'
> {
  const of = <K extends keyof SizeThroughput>(
    key: K,
  ): Partial<Record<SizeLabel, SizeThroughput[K]>> => {
    const picked: Partial<Record<SizeLabel, SizeThroughput[K]>> = {};
    for (const { label } of sizes) {
      const result = results[label];
      if (result !== undefined) picked[label] = result[key];
    }
    return picked;
  };
  const small = results['1KB'] as SizeThroughput;
  const bytes = (pick: (s: SizeRun) => number): Record<SizeLabel, number> => ({
    '1KB': pick(sizes[0] as SizeRun),
    '8KB': pick(sizes[1] as SizeRun),
  });
  return {
    traffic: {
      messageType: 'online-vendor-report',
      senders: [...BENCH_SENDERS],
      destination: BENCH_DESTINATION,
      routedTopics: [...ROUTED_TOPICS],
      shape:
        `online-vendor-report from ${BENCH_SENDERS.length} NCBs (${BENCH_SENDERS.join(', ')}) ` +
        `to ${BENCH_DESTINATION}, H1, restricted_to [sender, ${BENCH_DESTINATION}]: ` +
        `2 topics (${ROUTED_TOPICS.join(' + ')}); the working group is not taken`,
      payloadBytes: bytes((s) => s.payload.length),
      recordBytes: bytes((s) => s.recordBytes),
    },
    ceiling: { ...small.ceiling, sizes: of('ceiling') },
    baseline: { ...small.baseline, sizes: of('baseline') },
    baselinePlatformatic: { ...small.baselinePlatformatic, sizes: of('baselinePlatformatic') },
    gateway: { ...small.gateway, sizes: of('gateway') },
    ratios: { ...small.ratios, sizes: of('ratios') },
  };
}

if (require.main === module) {
  let options: BenchOptions | undefined;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
  if (options !== undefined) {
    main(options)
      .catch((error: unknown) => {
        process.exitCode = 1;
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.stderr.write(`bench failed: ${text}\n`);
      })
      // A client socket left open (a failed comparison client) must not keep the bench alive.
      .finally(() => setTimeout(() => process.exit(), 2000).unref());
  }
}
