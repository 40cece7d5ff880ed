import { parseAuditValue } from './audit-format';
import type {
  AuditTopicRecord,
  ChainProblem,
  ChainProblemKind,
  RecordPosition,
} from './verification-types';

/** The last verified record of a chain walk (sequence -1 and no position before the first). */
export interface ChainTail {
  readonly sequence: bigint;
  /** SHA-256 of its value bytes: what the next record's previous_hash must be. */
  readonly hash: string;
  readonly at: RecordPosition | undefined;
}

/** A ChainProblem; the kind is repeated at the start of the message for one-line output. */
export function problem(
  kind: ChainProblemKind,
  at: RecordPosition | undefined,
  message: string,
): ChainProblem {
  return { kind, at, message: `${kind}: ${message}` };
}

/** The first 12 hex digits of a hash, enough to tell hashes apart in a message. */
export function short(hash: string): string {
  return hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}

/**
 * The first record after `index` whose sequence lies in [from, to): tells a reordering (the
 * skipped sequences come later) from a gap (they are nowhere). Unparseable records are skipped:
 * this only decides how to name a problem already found at `index`.
 */
export function findLaterSequence(
  records: readonly AuditTopicRecord[],
  index: number,
  from: bigint,
  to: bigint,
): { sequence: bigint; at: RecordPosition } | undefined {
  for (const record of records.slice(index + 1)) {
    let sequence: bigint;
    try {
      sequence = BigInt(parseAuditValue(record.value).sequence);
    } catch {
      continue;
    }
    if (sequence >= from && sequence < to) {
      return { sequence, at: { partition: record.partition, offset: record.offset } };
    }
  }
  return undefined;
}
