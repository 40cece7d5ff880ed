/** The run's table (terminal and README) and its target checks. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LatencyPoint } from '../latency';
import type { CpuPerMessage } from './cpu-meter';
import type { MachineFloor } from './machine-floor';
import type { BenchResults, SizeLabel, TargetCheck } from './results';
import { round1 } from './stats';

const SIZES: readonly SizeLabel[] = ['1KB', '8KB'];
const THROUGHPUT_WIDTHS = [22, 10, 7, 9, 10, 7, 9];
const LATENCY_WIDTHS = [22, 10, 9, 8, 8, 8, 9, 8, 15];
const TARGET_WIDTHS = [40, 40, 44, 5];
const CPU_WIDTHS = [22, 10, 9, 8, 8];

/** The targets of the issue, checked against a run. */
export function checkTargets(
  results: Omit<BenchResults, 'targets' | 'finishedAt' | 'durationSec'>,
): TargetCheck[] {
  const ratio = results.ratios.gatewayToBaseline;
  const ack = results.latency.ack;
  const at1000 = ack.find((p) => p.offeredPerSec === 1000);
  const half = ack.filter((p) => p.offeredPerSec !== 1000);
  const e2e = results.latency.endToEnd.find((p) => p.offeredPerSec === 1000);
  const soak = results.memory.soak;
  const gatewayCpu = results.gateway.cpuMsPerMsg?.gateway;
  const checks: TargetCheck[] = [
    {
      name: 'gateway CPU per message (1 KB)',
      target: '<= 0.12 ms',
      value: gatewayCpu === undefined ? '-' : `${gatewayCpu} ms`,
      met: gatewayCpu === undefined ? 'not measured' : gatewayCpu <= 0.12,
    },
    {
      name: 'throughput vs baseline (1 KB)',
      target: '>= 0.60 (stretch 0.80)',
      value: ratio.toFixed(3),
      met: ratio >= 0.6,
    },
    latencyCheck('p99 publish->ack at 1,000 msg/s', at1000, 10),
    ...half.map((p) => latencyCheck(`p99 publish->ack at ${p.offeredPerSec} msg/s`, p, 10)),
    latencyCheck('p99 publish->reader at 1,000 msg/s', e2e, 50),
    {
      name: 'gateway peak RSS at full load',
      target: '<= 250 MB',
      value: `${results.memory.peakRssMb} MB`,
      met: results.memory.peakRssMb <= 250,
    },
    {
      name: 'idempotency memory per id (heap and outside it)',
      target: '<= 250 B',
      value: `${results.idempotency.bytesPerId} B`,
      met: results.idempotency.bytesPerId <= 250,
    },
    soak === undefined
      ? {
          name: 'soak at 70 % of the peak',
          target: 'p99 ack <= 50 ms in every 30 s',
          value: 'run with --soak',
          met: 'not measured',
        }
      : {
          name: `soak, ${soak.durationMin} min at ${soak.ratePerSec} msg/s`,
          target: 'p99 ack <= 50 ms in every 30 s, flat heap',
          value: `worst p99 ${soak.worstChunkP99Ms} ms, live heap ${soak.liveHeapSlopeSecondHalfMbPerMin} MB/min`,
          met: soak.worstChunkP99Ms <= 50 && Math.abs(soak.liveHeapSlopeSecondHalfMbPerMin) < 1,
        },
  ];
  return checks;
}

function latencyCheck(name: string, point: LatencyPoint | undefined, limitMs: number): TargetCheck {
  if (point === undefined)
    return { name, target: `<= ${limitMs} ms`, value: '-', met: 'not measured' };
  const clean = point.refused === 0 && (point.missing ?? 0) === 0;
  const saturated = (point.utilisation ?? 0) >= 0.9 ? ', at saturation' : '';
  return {
    name,
    target: `<= ${limitMs} ms`,
    value: `${point.p99Ms} ms${clean ? '' : ` (${point.refused} refused, ${point.missing ?? 0} missing)`}${saturated}`,
    met: point.p99Ms <= limitMs && clean,
  };
}

/** The gateway's CPU per message at a latency point's load, when the run measured it. */
function cpuAtLoad(point: LatencyPoint): string {
  return point.gatewayCpuMsPerMsg === undefined
    ? ''
    : `; CPU ${point.gatewayCpuMsPerMsg} ms per message`;
}

/** What a hop between processes costs on this machine, when the run measured it. */
function floorLine(floor: MachineFloor | undefined): string[] {
  if (floor === undefined) return [];
  const trip = floor.roundTripUs;
  return [
    `machine floor: a loopback round trip between two processes p50 ${trip.p50} µs, p99 ${trip.p99} µs, ${floor.cpuPerRoundTripUs} µs CPU on the caller; an idle event-loop wake-up ${floor.cpuPerTimerWakeUs} µs CPU`,
  ];
}

/** What the gateway cannot go below here: its core's CPU, and one transaction's own time. */
function gatewayFloorLine(results: BenchResults): string[] {
  const { coreCpuUsPerMsg: core, transactionFloor: txn } = results;
  if (core === undefined || txn === undefined) return [];
  const t = txn.latency;
  return [
    `gateway floors: the core alone (validation to records; no gRPC, TLS or Kafka) ${core} µs CPU per message; one transaction of the gateway's shape at a time, nothing queued: p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms, ${txn.cpuUsPerTransaction} µs CPU each`,
  ];
}

/** The results as a plain-text table. */
export function formatTable(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [
    `intelroute bench ${results.startedAt} — ${m.cores} cores ${m.cpuModel}, ${m.totalMemoryMb} MB, Node ${m.node}`,
    `load average at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}; Kafka ${results.broker.kafkaVersion} (${results.broker.kind}, 1 node, ${results.broker.partitions} partitions/topic)`,
    `traffic: ${results.traffic.shape}`,
    ...floorLine(m.floor),
    ...gatewayFloorLine(results),
    '',
    row(
      ['throughput', ...SIZES.flatMap((s) => [`${s} msg/s`, 'MB/s', 'x ceiling'])],
      THROUGHPUT_WIDTHS,
    ),
  ];
  const ceilingOf = (s: SizeLabel): number => results.ceiling.sizes[s]?.msgsPerSec ?? 0;
  const line = (
    label: string,
    figures: (s: SizeLabel) => { msgs: number; mb: number } | undefined,
  ): string =>
    row(
      [
        label,
        ...SIZES.flatMap((s) => {
          const f = figures(s);
          return f === undefined
            ? ['-', '-', '-']
            : [String(f.msgs), f.mb.toFixed(1), (f.msgs / Math.max(1, ceilingOf(s))).toFixed(3)];
        }),
      ],
      THROUGHPUT_WIDTHS,
    );
  lines.push(
    line('ceiling (Java perf)', (s) =>
      fig(results.ceiling.sizes[s]?.msgsPerSec, results.ceiling.sizes[s]?.mbPerSec),
    ),
    line('ceiling, transactional', (s) =>
      fig(
        results.ceiling.sizes[s]?.transactional?.msgsPerSec,
        results.ceiling.sizes[s]?.transactional?.mbPerSec,
      ),
    ),
    line('baseline (kafkajs)', (s) =>
      fig(results.baseline.sizes[s]?.msgsPerSec, results.baseline.sizes[s]?.mbPerSec),
    ),
    line('baseline (platformatic)', (s) =>
      fig(
        results.baselinePlatformatic.sizes[s]?.msgsPerSec,
        results.baselinePlatformatic.sizes[s]?.mbPerSec,
      ),
    ),
    line('gateway (intelroute)', (s) =>
      fig(results.gateway.sizes[s]?.msgsPerSec, results.gateway.sizes[s]?.mbPerSec),
    ),
    row(
      [
        'gateway / baseline',
        ...SIZES.flatMap((s) => {
          const r = results.ratios.sizes[s];
          return [(r?.gatewayToBaseline ?? 0).toFixed(3), '', ''];
        }),
      ],
      THROUGHPUT_WIDTHS,
    ),
    `  (median of the rounds: ${SIZES.map((s) => `${s} ${(results.ratios.sizes[s]?.gatewayToBaselineRounds ?? []).join(' / ')}`).join('; ')})`,
    row(
      [
        'gateway / ceiling',
        ...SIZES.flatMap((s) => [
          (results.ratios.sizes[s]?.gatewayToCeiling ?? 0).toFixed(3),
          '',
          '',
        ]),
      ],
      THROUGHPUT_WIDTHS,
    ),
    '',
    row(['CPU ms per message', 'client', 'gateway', 'broker', 'total'], CPU_WIDTHS),
    ...SIZES.flatMap((size) => [
      cpuRow(`baseline ${size}`, results.baseline.sizes[size]?.cpuMsPerMsg),
      cpuRow(`platformatic ${size}`, results.baselinePlatformatic.sizes[size]?.cpuMsPerMsg),
      cpuRow(`gateway ${size}`, results.gateway.sizes[size]?.cpuMsPerMsg),
    ]),
    '',
    row(
      [
        'latency (open loop)',
        'offered/s',
        'achieved',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'n',
        'of peak',
      ],
      LATENCY_WIDTHS,
    ),
    ...results.latency.ack.map((p) => latencyRow('publish->ack', p)),
    ...results.latency.endToEnd.map((p) => latencyRow('publish->reader', p)),
    ...results.latency.ack.flatMap((p) =>
      p.gatewayStalls === undefined
        ? []
        : [
            `  gateway at ${p.offeredPerSec}/s: event-loop delay p99 ${p.gatewayStalls.loopP99Ms} ms, max ${p.gatewayStalls.loopMaxMs} ms; longest GC pause ${p.gatewayStalls.gcMaxMs} ms, GC ${Math.round(p.gatewayStalls.gcShare * 100)} % of the time${cpuAtLoad(p)}`,
          ],
    ),
    '',
    `memory: gateway peak RSS (VmHWM) ${results.memory.peakRssMb} MB at full load (idle ${results.memory.idleRssMb} MB); heap used peak ${results.memory.peakHeapUsedMb} MB of ${results.memory.peakHeapTotalMb} MB`,
  );
  const soak = results.memory.soak;
  if (soak !== undefined) {
    lines.push(
      `soak: ${soak.durationMin} min at ${soak.ratePerSec} msg/s: RSS ${soak.rssStartMb} -> ${soak.rssEndMb} MB (${soak.rssSlopeMbPerMin} MB/min, 2nd half ${soak.rssSlopeSecondHalfMbPerMin}); live heap ${soak.liveHeapStartMb} -> ${soak.liveHeapEndMb} MB (${soak.liveHeapSlopeMbPerMin} MB/min, 2nd half ${soak.liveHeapSlopeSecondHalfMbPerMin}; ${soak.liveHeapBytesPerMessage} B/message; idempotency cache ${soak.idempotencyMaxEntries ?? 'default'} entries); p99 ack ${soak.ack.p99Ms} ms`,
    );
  }
  lines.push(
    `validator alone: ${results.validator.perSecPerCore} validations/s per core (${results.validator.payloadBytes} B payload)`,
    `idempotency memory alone: ${results.idempotency.bytesPerId} B per id (${results.idempotency.entries} ids; heap ${megabytes(results.idempotency.heapBytes)}, outside it ${megabytes(results.idempotency.offHeapBytes)}); ${results.idempotency.putMicrosWhenFull} µs CPU per put once full`,
    '',
    row(['target', 'wanted', 'measured', 'met'], TARGET_WIDTHS),
    ...results.targets.map((t) =>
      row(
        [t.name, t.target, t.value, t.met === true ? 'yes' : t.met === false ? 'NO' : '-'],
        TARGET_WIDTHS,
      ),
    ),
  );
  return lines.join('\n');
}

function cpuRow(label: string, cpu: CpuPerMessage | undefined): string {
  if (cpu === undefined) return row([label, '-', '-', '-', '-'], CPU_WIDTHS);
  const total = cpu.bench + (cpu.gateway ?? 0) + (cpu.broker ?? 0);
  const cell = (value: number | undefined): string =>
    value === undefined ? '-' : value.toFixed(3);
  return row(
    [label, cell(cpu.bench), cell(cpu.gateway), cell(cpu.broker), total.toFixed(3)],
    CPU_WIDTHS,
  );
}

function fig(
  msgs: number | undefined,
  mb: number | undefined,
): { msgs: number; mb: number } | undefined {
  return msgs === undefined ? undefined : { msgs, mb: mb ?? 0 };
}

function latencyRow(label: string, p: LatencyPoint): string {
  return row(
    [
      label,
      String(p.offeredPerSec),
      String(p.achievedPerSec),
      p.p50Ms.toFixed(1),
      p.p90Ms.toFixed(1),
      p.p99Ms.toFixed(1),
      p.maxMs.toFixed(1),
      String(p.count),
      p.utilisation === undefined
        ? '-'
        : `${Math.round(p.utilisation * 100)}%${p.utilisation >= 0.9 ? ' SATURATED' : ''}`,
    ],
    LATENCY_WIDTHS,
  );
}

/** First cell left-aligned, the others right-aligned, each to its width. */
function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, index) =>
      index === 0 ? cell.padEnd(widths[0] ?? 20) : cell.padStart(widths[index] ?? 8),
    )
    .join(' ');
}

/** Writes the results as `<dir>/<YYYY-MM-DD>.json` (a later run the same day replaces it). */
export function writeResults(results: BenchResults, dir: string): string {
  const file = path.join(dir, `${results.startedAt.slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** In the unit of the report's other memory figures (MB of 1024 x 1024 bytes, as the probe's). */
function megabytes(bytes: number): string {
  return `${round1(bytes / 1024 / 1024)} MB`;
}
