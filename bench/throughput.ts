/**
 * Throughput of one payload size: the ceiling once, then the baseline's and the gateway's
 * setting searches, then R rounds that alternate a baseline run and a gateway run of
 * messages/R each. Each round gives a gateway/baseline ratio measured under the same
 * machine load; the reported ratio is their median, and each side's figures are its median
 * round, so a burst of someone else's load in one run moves one round, not the result.
 */
import {
  BaselineProducer,
  describeSetting,
  type BaselineRun,
  type BatchSetting,
  type Trial,
} from './baseline';
import { runCeiling } from './ceiling';
import {
  measureGateway,
  searchGatewaySettings,
  type GatewayLoad,
  type GatewayRun,
  type StreamSetting,
} from './gateway-throughput';
import type { BenchBroker } from './lib/broker';
import type { BenchCertificates } from './lib/certs';
import type { GatewayProcess } from './lib/gateway-process';
import type { CeilingFigures, Ratios, SizeLabel } from './lib/results';
import { median, ratio } from './lib/stats';
import { FAN_OUT, RUN_TIMEOUT_MS, log, type SizeRun } from './phases';

export interface BaselineResult extends BaselineRun {
  readonly name: 'baseline';
  readonly best: BatchSetting;
  readonly trials: readonly Trial<BatchSetting>[];
  /** Every round (the top-level figures are the median round's). */
  readonly rounds: readonly BaselineRun[];
}

export interface GatewayThroughputResult extends GatewayRun {
  readonly name: 'gateway';
  readonly senders: number;
  readonly best: StreamSetting;
  readonly trials: readonly Trial<StreamSetting>[];
  readonly rounds: readonly GatewayRun[];
}

/** The baseline on @platformatic/kafka: one run with the kafkajs baseline's best setting. */
export interface PlatformaticResult extends BaselineRun {
  readonly name: 'baseline-platformatic';
  readonly setting: BatchSetting;
}

export interface SizeThroughput {
  readonly ceiling: CeilingFigures;
  readonly baseline: BaselineResult;
  /** Absent when that run failed (logged). */
  readonly baselinePlatformatic: PlatformaticResult | undefined;
  readonly gateway: GatewayThroughputResult;
  readonly ratios: Ratios;
}

export interface ThroughputSettings {
  readonly baseline: readonly BatchSetting[];
  /** Tried when `known` is undefined. */
  readonly gateway: readonly StreamSetting[];
  /** A gateway setting found earlier (the 1 KB search), reused as is. */
  readonly known: StreamSetting | undefined;
  readonly rounds: number;
  /** Also run the ceiling in transactions (its --transaction-duration-ms). */
  readonly transactionalCeiling: boolean;
}

/** Commit interval of the transactional ceiling run, ms. */
const CEILING_TRANSACTION_MS = 10;

export async function measureThroughput(
  context: { broker: BenchBroker; certs: BenchCertificates; gateway: GatewayProcess },
  topics: { baselinePrefix: string; ceilingTopic: string },
  size: SizeRun,
  settings: ThroughputSettings,
): Promise<SizeThroughput> {
  const { broker, certs, gateway } = context;
  const ceiling = await ceilingRun(broker, topics.ceilingTopic, size, settings);
  const trialMessages = Math.max(500, Math.round(size.messages / 5));
  const load: GatewayLoad = {
    gateway,
    certs,
    brokerPid: broker.pid,
    payload: size.payload,
    recordBytes: size.recordBytes,
    warmupMessages: Math.max(500, Math.round(size.messages / 10)),
    timeoutMs: RUN_TIMEOUT_MS,
  };
  const producer = await BaselineProducer.open(broker, topics.baselinePrefix, size.payload);
  try {
    log(`baseline ${size.label}: kafkajs producer, search on ${trialMessages} messages`);
    const baselineTrials = await producer.search(settings.baseline, trialMessages, log);
    log(`gateway ${size.label}: ${certs.clients.size} senders over mTLS`);
    const gatewayTrials =
      settings.known === undefined
        ? await searchGatewaySettings(load, settings.gateway, trialMessages, log)
        : [];
    const baselineBest = pick(baselineTrials[0] ?? settings.baseline[0]);
    const gatewayBest = settings.known ?? pickStreams(gatewayTrials[0] ?? settings.gateway[0]);
    const perRound = Math.round(size.messages / settings.rounds);
    const baselineRounds: BaselineRun[] = [];
    const gatewayRounds: GatewayRun[] = [];
    for (let round = 1; round <= settings.rounds; round += 1) {
      const b = await producer.measure(baselineBest, perRound);
      const g = await measureGateway(load, gatewayBest, perRound);
      baselineRounds.push(b);
      gatewayRounds.push(g);
      log(
        `  round ${round}/${settings.rounds}: baseline ${b.msgsPerSec} msg/s, gateway ` +
          `${g.msgsPerSec} msg/s (${ratio(g.msgsPerSec, b.msgsPerSec)}), ${g.refused} refused`,
      );
    }
    const baseline: BaselineResult = {
      name: 'baseline',
      ...medianRun(baselineRounds),
      best: baselineBest,
      trials: baselineTrials,
      rounds: baselineRounds,
    };
    const gatewayResult: GatewayThroughputResult = {
      name: 'gateway',
      ...medianRun(gatewayRounds),
      senders: certs.clients.size,
      best: gatewayBest,
      trials: gatewayTrials,
      rounds: gatewayRounds,
    };
    const platformatic = await platformaticRun(broker, topics.baselinePrefix, size, baselineBest);
    const roundRatios = gatewayRounds.map((g, i) =>
      ratio(g.msgsPerSec, baselineRounds[i]?.msgsPerSec ?? 0),
    );
    return {
      ceiling,
      baseline,
      baselinePlatformatic: platformatic,
      gateway: gatewayResult,
      ratios: {
        platformaticToBaseline: ratio(platformatic?.msgsPerSec ?? 0, baseline.msgsPerSec),
        gatewayToBaseline: median(roundRatios),
        gatewayToBaselineRounds: roundRatios,
        gatewayToCeiling: ratio(gatewayResult.msgsPerSec, ceiling.msgsPerSec),
        baselineToCeiling: ratio(baseline.msgsPerSec, ceiling.msgsPerSec),
      },
    };
  } finally {
    await producer.close();
  }
}

/**
 * The baseline's records on @platformatic/kafka with the kafkajs baseline's best setting, after
 * a warm-up: what another maintained pure-JS client costs for the same work.
 */
async function platformaticRun(
  broker: BenchBroker,
  prefix: string,
  size: SizeRun,
  setting: BatchSetting,
): Promise<PlatformaticResult | undefined> {
  log(`baseline ${size.label} on @platformatic/kafka: ${describeSetting(setting)}`);
  const producer = await BaselineProducer.openPlatformatic(broker, prefix, size.payload);
  try {
    await producer.measure(setting, Math.max(500, Math.round(size.messages / 10)));
    const run = await producer.measure(setting, size.messages);
    log(`  ${run.msgsPerSec} msg/s`);
    return { name: 'baseline-platformatic', ...run, setting };
  } catch (error) {
    // A comparison line: its failure is reported, and the gateway's figures still count.
    log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    await producer.close();
  }
}

async function ceilingRun(
  broker: BenchBroker,
  topic: string,
  size: SizeRun,
  settings: ThroughputSettings,
): Promise<CeilingFigures> {
  const records = size.messages * FAN_OUT;
  log(`ceiling ${size.label}: ProducerPerformance, ${records} records of ${size.recordBytes} B`);
  const run = (transactionDurationMs?: number) =>
    runCeiling({
      broker,
      topic,
      records,
      recordBytes: size.recordBytes,
      timeoutMs: RUN_TIMEOUT_MS,
      ...(transactionDurationMs === undefined ? {} : { transactionDurationMs }),
    });
  const plain = await run();
  log(`  ${plain.recordsPerSec} records/s, ${plain.mbPerSec} MB/s`);
  const figures = { ...plain, msgsPerSec: Math.round(plain.recordsPerSec / FAN_OUT) };
  if (!settings.transactionalCeiling) return figures;
  log(`ceiling ${size.label}, transactional: committing every ${CEILING_TRANSACTION_MS} ms`);
  const transactional = await run(CEILING_TRANSACTION_MS);
  log(`  ${transactional.recordsPerSec} records/s, ${transactional.mbPerSec} MB/s`);
  const msgsPerSec = Math.round(transactional.recordsPerSec / FAN_OUT);
  return { ...figures, transactional: { ...transactional, msgsPerSec } };
}

/** The round with the median msg/s (the lower middle one for an even count). */
function medianRun<R extends { readonly msgsPerSec: number }>(rounds: readonly R[]): R {
  const sorted = [...rounds].sort((a, b) => a.msgsPerSec - b.msgsPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)] as R;
}

function pick(trial: BatchSetting | undefined): BatchSetting {
  const { messagesPerBatch, concurrency } = trial as BatchSetting;
  return { messagesPerBatch, concurrency };
}

function pickStreams(trial: StreamSetting | undefined): StreamSetting {
  const { streamsPerSender, maxInFlight } = trial as StreamSetting;
  return { streamsPerSender, maxInFlight };
}

export type { SizeLabel };
