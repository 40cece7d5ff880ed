import type { KafkaAdmin, KafkaClient } from '../kafka/kafka-connection';
import type { LandedJob, TransactionParticipant, WriteJob } from '../kafka/transactional-writer';
import type { OutboundRecord } from '../kafka/record-format';
import { readTopicToEnd } from '../kafka/topic-reader';
import {
  auditRecordsFor,
  resumeChain,
  startChain,
  type AuditFields,
  type ChainState,
} from './audit-chain';
import { IntelrouteError } from '../core/errors';
import { readHeads } from './audit-head';
import { outboundAuditRecords, type AuditTopics } from './audit-outbound';
import type { HeadSigner } from './head-signature';

/**
 * Puts the audit records of every transaction into that same transaction: a message is routed
 * (or refused, or delivered) exactly when its audit record exists. The chain only moves on when
 * the transaction commits, so an aborted batch leaves no hole in it.
 */
export class AuditParticipant<E> implements TransactionParticipant<E> {
  private pending: ChainState | undefined;

  /**
   * @param toFields the audit entries of one landed job (its events, with the locations its
   *   records landed at).
   */
  constructor(
    private state: ChainState,
    private readonly topics: AuditTopics,
    private readonly toFields: (landed: LandedJob<E>) => readonly AuditFields[],
    /** Signs every head this writer writes (none: unsigned heads, refused by `audit verify`). */
    private readonly signer?: HeadSigner,
    /** Where the chain stands in Kafka (its committed head): see readOutcome. */
    private readonly readCommittedState?: () => Promise<ChainState>,
  ) {}

  get chain(): ChainState {
    return this.state;
  }

  prepare(landed: readonly LandedJob<E>[]): OutboundRecord[] {
    const batch = auditRecordsFor(
      this.state,
      landed.flatMap((job) => this.toFields(job)),
    );
    this.pending = batch.next;
    const head = batch.head;
    const signed =
      head === undefined || this.signer === undefined
        ? batch
        : { ...batch, head: this.signer.sign(head) };
    return outboundAuditRecords(signed, this.topics);
  }

  /** A batch with events gets audit records and a head, both keyed by the chain id. */
  readonly plannedRecords = (
    jobs: readonly WriteJob<E>[],
  ): Array<{ topic: string; key: Buffer }> => {
    if (!jobs.some((job) => job.events.length > 0)) return [];
    const key = Buffer.from(this.state.chainId, 'utf8');
    return [
      { topic: this.topics.audit, key },
      { topic: this.topics.heads, key },
    ];
  };

  committed(): void {
    if (this.pending !== undefined) this.state = this.pending;
    this.pending = undefined;
  }

  aborted(): void {
    this.pending = undefined;
  }

  /**
   * Every transaction with audit records writes the chain's head, so the committed head says
   * whether the unconfirmed one landed: it is the pending state's head, or still the last one.
   * The chain then continues from what Kafka holds, whichever it is.
   */
  readonly readOutcome = async (): Promise<boolean | undefined> => {
    if (this.pending === undefined || this.readCommittedState === undefined) return undefined;
    const stored = await this.readCommittedState();
    const landed = sameState(stored, this.pending);
    if (!landed && !sameState(stored, this.state)) {
      throw new IntelrouteError(
        'AUDIT_RECORD_INVALID',
        `chain ${stored.chainId} stands at sequence ${stored.nextSequence} in Kafka, neither before nor after this writer's last transaction: another writer uses this chain id`,
      );
    }
    return landed;
  };
}

function sameState(a: ChainState, b: ChainState): boolean {
  return a.nextSequence === b.nextSequence && a.previousHash === b.previousHash;
}

/**
 * Where chain `chainId` stands: after its committed head in the heads topic, or a new chain.
 * A writer restarting under the same id continues its chain without a gap.
 */
export async function loadChainState(
  deps: { kafka: KafkaClient; admin: KafkaAdmin },
  topics: AuditTopics,
  chainId: string,
): Promise<ChainState> {
  const records = await readTopicToEnd(deps, topics.heads);
  const head = readHeads(records).heads.get(chainId);
  return head === undefined ? startChain(chainId) : resumeChain(head);
}
