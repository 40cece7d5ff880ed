/** Where a record sits in the audit topic. `offset` is Kafka's 64-bit offset as decimal text. */
export interface RecordPosition {
  readonly partition: number;
  readonly offset: string;
}

/** A record of an audit topic as the verifier needs it (what a Kafka reader returns). */
export interface AuditTopicRecord extends RecordPosition {
  readonly key: Uint8Array | string | null;
  /** The exact value bytes as stored: null for a tombstone. */
  readonly value: Uint8Array | null;
}

/**
 * What broke a chain (see chain-verifier.ts for how each is decided):
 * - `altered`: a record's bytes no longer hash to the next record's previous_hash (or to the
 *   head's hash, for the last one), or it does not parse, or its key is not its chain_id;
 * - `gap`: a sequence is missing (a record was removed);
 * - `reordered`: a sequence arrives before an earlier one, goes backwards, or repeats;
 * - `truncated`: the chain ends before the sequence its head names (its tail was cut off);
 * - `beyond-head`: records after the head's sequence (written without their head);
 * - `no-head`: the chain has records but no head in the heads topic;
 * - `no-records`: the heads topic names the chain but the audit topic holds none of its records;
 * - `misplaced`: a record of the chain sits in another partition than most of its records (a
 *   chain's order only exists within one partition, so the audit topic must never be given more
 *   partitions: keys would move).
 */
export type ChainProblemKind =
  | 'altered'
  | 'gap'
  | 'reordered'
  | 'truncated'
  | 'beyond-head'
  | 'no-head'
  | 'no-records'
  | 'misplaced';

/** The first problem found in a chain. `at` is the first bad offset (none for `no-records`). */
export interface ChainProblem {
  readonly kind: ChainProblemKind;
  readonly at: RecordPosition | undefined;
  readonly message: string;
}

/** One chain's result: ok when `problem` is undefined. `records` counts what the topic holds. */
export interface ChainVerdict {
  readonly chainId: string;
  readonly records: number;
  readonly problem: ChainProblem | undefined;
}

/** Every chain's verdict, sorted by chain id; `ok` only when every chain is ok. */
export interface VerificationReport {
  readonly ok: boolean;
  readonly records: number;
  readonly chains: readonly ChainVerdict[];
}
