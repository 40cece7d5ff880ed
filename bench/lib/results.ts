/** The shape of `bench/results/<date>.json` (one run). Figures at 1 KB sit at the top level. */
import type { CeilingResult } from '../ceiling';
import type { IdempotencyMemoryResult } from '../idempotency-memory';
import type { LatencyPoint } from '../latency';
import type { ProfileResult } from '../profile';
import type { SoakResult } from '../soak';
import type { BaselineResult, GatewayThroughputResult, PlatformaticResult } from '../throughput';
import type { MachineInfo } from './machine';
import type { TransactionFloor } from './transaction-shape';

/** Payload size labels of the throughput runs. */
export type SizeLabel = '1KB' | '8KB';

export interface TrafficInfo {
  readonly messageType: 'online-vendor-report';
  readonly senders: readonly string[];
  readonly destination: string;
  /** Topics each message is written to (without the run's prefix). */
  readonly routedTopics: readonly string[];
  readonly shape: string;
  readonly payloadBytes: Readonly<Record<SizeLabel, number>>;
  /** One message record as the gateway writes it: value (envelope + receipt) + key + headers. */
  readonly recordBytes: Readonly<Record<SizeLabel, number>>;
}

export interface Ratios {
  /** Median of the per-round ratios (each round runs the baseline, then the gateway). */
  readonly gatewayToBaseline: number;
  readonly gatewayToBaselineRounds: readonly number[];
  readonly gatewayToCeiling: number;
  readonly baselineToCeiling: number;
  /** The baseline on @platformatic/kafka over the kafkajs baseline (same records, same setting). */
  readonly platformaticToBaseline: number;
}

export interface CeilingFigures extends CeilingResult {
  /** Message equivalents per second: records/s divided by the fan-out (2). */
  readonly msgsPerSec: number;
  /** The same records written in transactions committed every 10 ms (1 KB only). */
  readonly transactional?: CeilingResult & { readonly msgsPerSec: number };
}

export interface MemoryFigures {
  /** VmHWM of the gateway child after the full-load runs, MB. */
  readonly peakRssMb: number;
  /** Highest heapUsed / heapTotal the probe saw during the full-load runs, MB. */
  readonly peakHeapUsedMb: number;
  readonly peakHeapTotalMb: number;
  readonly idleRssMb: number;
  readonly soak?: SoakResult;
}

export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean | 'not measured';
}

export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSec: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly machine: MachineInfo;
  readonly broker: {
    readonly kind: 'local' | 'external';
    readonly kafkaVersion: string;
    readonly partitions: number;
  };
  readonly traffic: TrafficInfo;
  readonly ceiling: CeilingFigures & {
    readonly sizes: Readonly<Partial<Record<SizeLabel, CeilingFigures>>>;
  };
  readonly baseline: BaselineResult & {
    readonly sizes: Readonly<Partial<Record<SizeLabel, BaselineResult>>>;
  };
  /** The 1 KB run's figures (none when it failed), and every size's. */
  readonly baselinePlatformatic: Partial<PlatformaticResult> & {
    readonly sizes: Readonly<Partial<Record<SizeLabel, PlatformaticResult | undefined>>>;
  };
  readonly gateway: GatewayThroughputResult & {
    readonly sizes: Readonly<Partial<Record<SizeLabel, GatewayThroughputResult>>>;
  };
  readonly ratios: Ratios & { readonly sizes: Readonly<Partial<Record<SizeLabel, Ratios>>> };
  readonly latency: {
    readonly ack: readonly LatencyPoint[];
    readonly endToEnd: readonly LatencyPoint[];
  };
  readonly memory: MemoryFigures;
  readonly validator: { readonly perSecPerCore: number; readonly payloadBytes: number };
  /** The idempotency memory alone: live heap per accepted id (bench/idempotency-memory.ts). */
  readonly idempotency: IdempotencyMemoryResult;
  /**
   * The gateway's core alone (bench/pipeline-bench.ts: validation, authorisation, idempotency,
   * routing, records, audit; no gRPC, TLS or Kafka): CPU µs per 1 KB message. Since 2026-12-05.
   */
  readonly coreCpuUsPerMsg?: number;
  /** One transaction of the gateway's shape at a time, nothing queued. Since 2026-12-05. */
  readonly transactionFloor?: TransactionFloor;
  readonly profile?: ProfileResult;
  readonly targets: readonly TargetCheck[];
}
