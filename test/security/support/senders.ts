import { performance } from 'node:perf_hooks';
import { OriginKind, type Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { validEnvelope, type MessageType } from '../../helpers/envelopes';

/** A valid envelope of `type` declared by the NCB of `country` (fixture payload). */
export function ncbEnvelope(
  country: string,
  type: MessageType = 'seizure-report',
  overrides: Partial<Envelope> = {},
): Envelope {
  return validEnvelope(type, {
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country, agencyId: '' },
    ...overrides,
  });
}

/** Runs `work` and returns its result with the elapsed wall time in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Writes one line of measured figures to stderr (kept in CI logs next to the test name). */
export function report(line: string): void {
  process.stderr.write(`[security] ${line}\n`);
}
