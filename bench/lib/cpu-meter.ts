import { processCpuSeconds } from './machine';

/** CPU seconds used by each process of a measurement, between `start` and `stop`. */
export interface CpuUsage {
  /** The bench process: load generator, SDK clients, or the baseline's kafkajs producer. */
  readonly benchSec: number;
  readonly gatewaySec?: number;
  readonly brokerSec?: number;
  readonly wallSec: number;
}

/** Measures the CPU time of this process and of the given child processes (by pid, /proc). */
export class CpuMeter {
  private readonly startedAt = process.hrtime.bigint();
  private readonly bench = process.cpuUsage();
  private readonly gatewayAt: number | undefined;
  private readonly brokerAt: number | undefined;

  constructor(private readonly pids: { readonly gateway?: number; readonly broker?: number }) {
    this.gatewayAt = pids.gateway === undefined ? undefined : processCpuSeconds(pids.gateway);
    this.brokerAt = pids.broker === undefined ? undefined : processCpuSeconds(pids.broker);
  }

  stop(): CpuUsage {
    const bench = process.cpuUsage(this.bench);
    const since = (pid: number | undefined, at: number | undefined): number | undefined => {
      const now = pid === undefined ? undefined : processCpuSeconds(pid);
      return now === undefined || at === undefined ? undefined : round2(now - at);
    };
    const gatewaySec = since(this.pids.gateway, this.gatewayAt);
    const brokerSec = since(this.pids.broker, this.brokerAt);
    return {
      benchSec: round2((bench.user + bench.system) / 1e6),
      ...(gatewaySec === undefined ? {} : { gatewaySec }),
      ...(brokerSec === undefined ? {} : { brokerSec }),
      wallSec: round2(Number(process.hrtime.bigint() - this.startedAt) / 1e9),
    };
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** CPU milliseconds per message of each process (3 decimals); absent where not measured. */
export interface CpuPerMessage {
  readonly bench: number;
  readonly gateway?: number;
  readonly broker?: number;
}

export function cpuPerMessage(usage: CpuUsage, messages: number): CpuPerMessage {
  const ms = (sec: number): number => Math.round((sec * 1e6) / Math.max(1, messages)) / 1000;
  return {
    bench: ms(usage.benchSec),
    ...(usage.gatewaySec === undefined ? {} : { gateway: ms(usage.gatewaySec) }),
    ...(usage.brokerSec === undefined ? {} : { broker: ms(usage.brokerSec) }),
  };
}
