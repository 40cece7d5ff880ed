import type { Assignment } from '../group-member';
import type { OwnedKafkaConnection } from '../kafka-connection';
import type { StreamRecord } from '../stream-record';
import type { CommitContext } from './commit-transaction';

/** Where a record is handled, and what its handling may use. */
export interface RecordContext extends CommitContext {
  readonly topic: string;
  readonly partition: number;
}

/** `done`: the record is handled (its commit waits in the work). `retry`: read it again later. */
export type RecordOutcome =
  { readonly kind: 'done' } | { readonly kind: 'retry'; readonly delayMs: number };

/**
 * Whether what a partition handled should be committed now; `now-then-yield` also ends the
 * batch (the partition is slow: the group's other partitions go on fetching meanwhile).
 */
export type CommitDue = 'no' | 'now' | 'now-then-yield';

/** One partition's work on one fetched batch: handle its records, commit what was handled. */
export interface PartitionWork {
  /**
   * Handles one record, keeping its outputs for the next commit. Nothing of a record to retry
   * is kept: its partition waits (paused) at it.
   * @throws IntelrouteError SHUTTING_DOWN when the stream stopped before it could finish.
   */
  handle(record: StreamRecord, context: RecordContext): Promise<RecordOutcome>;
  due(): CommitDue;
  /**
   * Commits what was handled since the last commit, with the partition's next offset, in one
   * transaction. Resolves false when it could not (the stream is stopping): the records are
   * then read again by the partition's next owner.
   */
  commit(context: CommitContext): Promise<boolean>;
}

/**
 * The logic a StreamRuntime drives: readers (handled once, dead-lettered, audited) and keyed
 * state processors (folded into state backed by a changelog) are StreamTasks.
 */
export interface StreamTask {
  /**
   * Opens what the task needs before the group is joined, its transactional writer first: that
   * fences a predecessor with the same transactional id and aborts what it left open.
   */
  open(connection: OwnedKafkaConnection): Promise<void>;
  /** Every (re)join, before any batch of the new generation: forget or load per partition. */
  assigned(assignment: Assignment): void;
  /** After the first join: the runtime's start() resolves once this does. */
  ready(first: Assignment): Promise<void>;
  /** The work of one fetched batch of a partition, once its state is in hand. */
  begin(topic: string, partition: number, heartbeat: () => Promise<void>): Promise<PartitionWork>;
  /** Stops what open() started; called after the group was left. */
  close(): Promise<void>;
}
