/**
 * Gateway throughput: SDK PublishStreams over mTLS, closed-loop (each stream as fast as its
 * window allows), every message validated, authorised, routed to 2 topics, audited and acked
 * only once its Kafka transaction committed.
 */
import type { Trial } from './baseline';
import { CpuMeter, cpuPerMessage, type CpuPerMessage, type CpuUsage } from './lib/cpu-meter';
import type { BenchCertificates } from './lib/certs';
import type { GatewayProcess } from './lib/gateway-process';
import { MemorySampler } from './lib/memory-sampler';
import { Publishers, closedLoop } from './lib/publishers';
import { round1 } from './lib/stats';

export interface StreamSetting {
  readonly streamsPerSender: number;
  /** The SDK window of each stream (the gateway's own per-stream limit is 256). */
  readonly maxInFlight: number;
}

/** What every gateway run needs. */
export interface GatewayLoad {
  readonly gateway: GatewayProcess;
  readonly certs: BenchCertificates;
  readonly brokerPid: number | undefined;
  readonly payload: Buffer;
  /** Size of one message record as written (value + key + headers), for MB/s. */
  readonly recordBytes: number;
  readonly warmupMessages: number;
  readonly timeoutMs: number;
}

/** One measured run of the gateway. */
export interface GatewayRun {
  readonly messages: number;
  readonly acked: number;
  readonly refused: number;
  readonly msgsPerSec: number;
  /** Message records (2 per message) written per second, and their MB/s. */
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly cpu: CpuUsage;
  /**
   * CPU ms per message of the load generator (SDK clients), the gateway and the broker: less
   * sensitive to other load on the machine than throughput.
   */
  readonly cpuMsPerMsg: CpuPerMessage;
  /** Highest RSS sampled during the run, MB. */
  readonly rssMaxMb: number;
  readonly firstRefusal?: string;
}

/** Tries every setting on `messages` (after a warm-up each) and returns them fastest first. */
export async function searchGatewaySettings(
  load: GatewayLoad,
  settings: readonly StreamSetting[],
  messages: number,
  log: (line: string) => void,
): Promise<Trial<StreamSetting>[]> {
  const trials: Trial<StreamSetting>[] = [];
  for (const setting of settings) {
    const { msgsPerSec } = await measureGateway(load, setting, messages);
    trials.push({ ...setting, msgsPerSec });
    log(`  gateway trial ${describeStreams(setting)}: ${msgsPerSec} msg/s`);
  }
  return trials.sort((a, b) => b.msgsPerSec - a.msgsPerSec);
}

/** Opens the streams, warms them up, then measures `messages`. */
export async function measureGateway(
  load: GatewayLoad,
  setting: StreamSetting,
  messages: number,
): Promise<GatewayRun> {
  const publishers = Publishers.open({
    address: load.gateway.address,
    certs: load.certs,
    ...setting,
  });
  try {
    await closedLoop(publishers, load.payload, load.warmupMessages, load.timeoutMs);
    const sampler = new MemorySampler(load.gateway, 250);
    const meter = new CpuMeter({ gateway: load.gateway.pid, broker: load.brokerPid });
    const result = await closedLoop(publishers, load.payload, messages, load.timeoutMs);
    const cpu = meter.stop();
    const samples = sampler.stop();
    return {
      messages,
      acked: result.acked,
      refused: result.refused,
      msgsPerSec: result.msgsPerSec,
      recordsPerSec: result.msgsPerSec * 2,
      mbPerSec: round1((result.msgsPerSec * 2 * load.recordBytes) / 1e6),
      cpu,
      cpuMsPerMsg: cpuPerMessage(cpu, result.acked),
      rssMaxMb: round1(Math.max(0, ...samples.map((s) => s.rssMb))),
      ...(result.firstRefusal === undefined ? {} : { firstRefusal: result.firstRefusal }),
    };
  } finally {
    await publishers.close();
  }
}

export function describeStreams(setting: StreamSetting): string {
  return `${setting.streamsPerSender} stream(s)/sender x window ${setting.maxInFlight}`;
}
