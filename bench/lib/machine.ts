import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { MachineFloor } from './machine-floor';

/** The machine a run happened on: figures from different machines are not comparable. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly totalMemoryMb: number;
  readonly node: string;
  readonly platform: string;
  /** 1-, 5- and 15-minute load averages when the run started and when it ended. */
  readonly loadAverageAtStart: readonly number[];
  loadAverageAtEnd: readonly number[];
  /** What one hop between processes costs here (measured before the broker starts). */
  floor?: MachineFloor;
}

/** Describes this machine now (call `finishMachineInfo` at the end of the run). */
export function machineInfo(): MachineInfo {
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: loadAverage(),
    loadAverageAtEnd: [],
  };
}

/** Records the load average at the end of the run. */
export function finishMachineInfo(info: MachineInfo): void {
  info.loadAverageAtEnd = loadAverage();
}

export function loadAverage(): number[] {
  return os.loadavg().map((value) => Math.round(value * 100) / 100);
}

/** CPU seconds (user + system) used so far by process `pid`, from /proc (Linux only). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ on Linux is 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
