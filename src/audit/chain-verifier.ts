import type { AuditRecord } from '../contract/generated/intelroute/v1/records';
import { GENESIS_HASH, parseAuditValue, sha256Hex } from './audit-format';
import { keyText, type AuditChainHead } from './audit-head';
import type {
  AuditTopicRecord,
  ChainProblem,
  ChainVerdict,
  RecordPosition,
  VerificationReport,
} from './verification-types';
import { findLaterSequence, problem, short, type ChainTail } from './chain-walk-support';

/** Options of verifyChains. */
export interface VerifyOptions {
  /**
   * Accept records after a chain's head (still link-checked): set when the trail was read while
   * being written, so that records committed after the heads were read are not reported as
   * `beyond-head`. Default false: the last record must be the head.
   */
  readonly allowRecordsAfterHead?: boolean;
}

/**
 * Verifies every chain of an audit topic against the heads topic. A record belongs to the chain
 * named by its key; each chain is walked in (partition, offset) order from sequence 0 and the
 * first problem is reported with the **first bad offset**, meaning the first record that cannot
 * be proven intact:
 * - a record of the chain sits outside the partition holding most of its records (`misplaced`,
 *   checked before the walk since order is only defined within a partition): that record;
 * - it does not parse, or its chain_id is not its key (`altered`): that record;
 * - its sequence is lower than expected (`reordered`: a repeat) or higher while the skipped
 *   sequences come later (`reordered`: e.g. two records swapped): that record;
 * - its sequence is higher and the skipped ones are nowhere (`gap`: removed records): the first
 *   record after the hole;
 * - its previous_hash differs from the SHA-256 of the previous record's bytes (`altered`): the
 *   previous record, the first one whose bytes nothing vouches for (for sequence 0, whose
 *   previous_hash must be 64 zeros, the record itself); likewise the record at the head's
 *   sequence when its hash differs from the head's;
 * - the head names a later sequence than the last record (`truncated`): the last record present,
 *   after which the chain was cut; records after the head (`beyond-head`): the first of them;
 *   records but no head (`no-head`): the last record, which nothing vouches for;
 * - a head but no records (`no-records`): no offset.
 * Everything before the reported offset is proven: each record is vouched for by the next one's
 * previous_hash, the last one by the head.
 */
export function verifyChains(
  records: Iterable<AuditTopicRecord>,
  heads: ReadonlyMap<string, AuditChainHead>,
  options: VerifyOptions = {},
): VerificationReport {
  const byChain = new Map<string, AuditTopicRecord[]>();
  let total = 0;
  for (const record of records) {
    const chainId = keyText(record.key);
    const chain = byChain.get(chainId);
    if (chain === undefined) byChain.set(chainId, [record]);
    else chain.push(record);
    total += 1;
  }
  const ids = [...new Set([...byChain.keys(), ...heads.keys()])].sort();
  const chains = ids.map((chainId) =>
    verifyChain(chainId, sortByPosition(byChain.get(chainId) ?? []), heads.get(chainId), options),
  );
  return { ok: chains.every((chain) => chain.problem === undefined), records: total, chains };
}

function verifyChain(
  chainId: string,
  records: readonly AuditTopicRecord[],
  head: AuditChainHead | undefined,
  options: VerifyOptions,
): ChainVerdict {
  const verdict = (found: ChainProblem | undefined): ChainVerdict => ({
    chainId,
    records: records.length,
    problem: found,
  });
  if (records.length === 0) {
    return verdict(
      problem(
        'no-records',
        undefined,
        `the heads topic names sequence ${head?.sequence} but no record of this chain is in the audit topic`,
      ),
    );
  }
  const misplaced = misplacedProblem(records);
  if (misplaced !== undefined) return verdict(misplaced);
  const walked = walkChain(chainId, records, head, options);
  if ('problem' in walked) return verdict(walked.problem);
  return verdict(tailProblem(walked.tail, head));
}

/** Walks the chain from sequence 0, stopping at the first record that breaks it. */
function walkChain(
  chainId: string,
  records: readonly AuditTopicRecord[],
  head: AuditChainHead | undefined,
  options: VerifyOptions,
): { problem: ChainProblem } | { tail: ChainTail } {
  const seen = new Map<bigint, RecordPosition>();
  let tail: ChainTail = { sequence: -1n, hash: GENESIS_HASH, at: undefined };
  for (const [index, record] of records.entries()) {
    const at = { partition: record.partition, offset: record.offset };
    const parsed = parseOrProblem(record, at);
    if ('problem' in parsed) return parsed;
    const found =
      identityProblem(chainId, parsed.record, at) ??
      sequenceProblem(BigInt(parsed.record.sequence), at, tail, { records, index, seen }) ??
      linkProblem(parsed.record, tail, at);
    if (found !== undefined) return { problem: found };
    // parseOrProblem succeeded, so the value is not null.
    const hash = sha256Hex(record.value ?? new Uint8Array());
    const next: ChainTail = { sequence: BigInt(parsed.record.sequence), hash, at };
    const headFound = headProblem(next, head, options);
    if (headFound !== undefined) return { problem: headFound };
    seen.set(next.sequence, at);
    tail = next;
  }
  return { tail };
}

function parseOrProblem(
  record: AuditTopicRecord,
  at: RecordPosition,
): { record: AuditRecord } | { problem: ChainProblem } {
  try {
    return { record: parseAuditValue(record.value) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: problem('altered', at, `does not parse as an AuditRecord (${reason})`) };
  }
}

function identityProblem(
  chainId: string,
  record: AuditRecord,
  at: RecordPosition,
): ChainProblem | undefined {
  if (record.chainId === chainId) return undefined;
  return problem(
    'altered',
    at,
    `its chain_id "${record.chainId}" differs from its key "${chainId}" (sequence ${record.sequence})`,
  );
}

/**
 * A chain lives in the partition its key hashes to, and its order is only defined there. Records
 * in another partition (the majority one is taken as home) are reported first, before the walk:
 * the first stray one in (partition, offset) order. The audit topic's partition count must
 * therefore never change.
 */
function misplacedProblem(records: readonly AuditTopicRecord[]): ChainProblem | undefined {
  const counts = new Map<number, number>();
  for (const record of records)
    counts.set(record.partition, (counts.get(record.partition) ?? 0) + 1);
  const [home] = [...counts].sort(([p, n], [q, m]) => m - n || p - q)[0] ?? [0];
  const stray = records.find((record) => record.partition !== home);
  if (stray === undefined) return undefined;
  return problem(
    'misplaced',
    { partition: stray.partition, offset: stray.offset },
    `this record of the chain is in partition ${stray.partition}, its other records in partition ${home}`,
  );
}

function sequenceProblem(
  sequence: bigint,
  at: RecordPosition,
  tail: ChainTail,
  context: {
    readonly records: readonly AuditTopicRecord[];
    readonly index: number;
    readonly seen: ReadonlyMap<bigint, RecordPosition>;
  },
): ChainProblem | undefined {
  const expected = tail.sequence + 1n;
  const { records, index, seen } = context;
  if (sequence < expected) {
    const earlier = seen.get(sequence);
    const where = earlier === undefined ? '' : ` at ${earlier.partition}:${earlier.offset}`;
    return problem(
      'reordered',
      at,
      `sequence ${sequence} repeats (already${where}); expected ${expected}`,
    );
  }
  if (sequence === expected) return undefined;
  const later = findLaterSequence(records, index, expected, sequence);
  if (later !== undefined) {
    return problem(
      'reordered',
      at,
      `sequence ${sequence} comes before sequence ${later.sequence} (at ${later.at.partition}:${later.at.offset}); expected ${expected}`,
    );
  }
  const missing = sequence - expected;
  return problem(
    'gap',
    at,
    `sequence jumps from ${tail.sequence} to ${sequence}: ${missing} record(s) missing before this one (sequence ${expected}${missing > 1n ? `..${sequence - 1n}` : ''})`,
  );
}

function linkProblem(
  record: AuditRecord,
  tail: ChainTail,
  at: RecordPosition,
): ChainProblem | undefined {
  if (record.previousHash === tail.hash) return undefined;
  if (tail.at === undefined) {
    return problem(
      'altered',
      at,
      `sequence 0 has previous_hash ${short(record.previousHash)}, not 64 zeros`,
    );
  }
  return problem(
    'altered',
    tail.at,
    `the SHA-256 of this record's bytes (sequence ${tail.sequence}, ${short(tail.hash)}) differs from the previous_hash of the next record (sequence ${record.sequence} at ${at.partition}:${at.offset}, ${short(record.previousHash)}): this record or that link was altered`,
  );
}

function headProblem(
  current: ChainTail,
  head: AuditChainHead | undefined,
  options: VerifyOptions,
): ChainProblem | undefined {
  if (head === undefined) return undefined;
  const headSequence = BigInt(head.sequence);
  if (current.sequence === headSequence && current.hash !== head.hash) {
    return problem(
      'altered',
      current.at,
      `the SHA-256 of this record's bytes (sequence ${current.sequence}, ${short(current.hash)}) differs from the chain's head (${short(head.hash)})`,
    );
  }
  if (current.sequence > headSequence && options.allowRecordsAfterHead !== true) {
    return problem(
      'beyond-head',
      current.at,
      `sequence ${current.sequence} comes after the chain's head (sequence ${head.sequence}): written without its head`,
    );
  }
  return undefined;
}

function tailProblem(tail: ChainTail, head: AuditChainHead | undefined): ChainProblem | undefined {
  if (head === undefined) {
    return problem(
      'no-head',
      tail.at,
      `no head for this chain in the heads topic: its last record (sequence ${tail.sequence}) is not vouched for`,
    );
  }
  const headSequence = BigInt(head.sequence);
  if (tail.sequence >= headSequence) return undefined;
  return problem(
    'truncated',
    tail.at,
    `the chain ends at sequence ${tail.sequence} (this record) but its head names sequence ${head.sequence}: ${headSequence - tail.sequence} record(s) cut off after it`,
  );
}

function sortByPosition(records: AuditTopicRecord[]): AuditTopicRecord[] {
  return records.sort((a, b) => {
    if (a.partition !== b.partition) return a.partition - b.partition;
    const [x, y] = [BigInt(a.offset), BigInt(b.offset)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
