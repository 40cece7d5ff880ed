import type { KafkaAdmin, KafkaClient } from '../kafka/kafka-connection';
import { IntelrouteError } from '../core/errors';
import type { OutboundRecord } from '../kafka/record-format';
import {
  TransactionalWriter,
  type LandedJob,
  type TransactionParticipant,
  type WriteJob,
} from '../kafka/transactional-writer';
import type { Logger } from '../telemetry/logger';
import type { AuditFields } from './audit-chain';
import { AuditParticipant, loadChainState } from './audit-participant';
import type { AuditTopics } from './audit-outbound';
import type { HeadSigner } from './head-signature';

export interface AuditedWriterOptions<E> {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly logger: Logger;
  readonly transactionalId: string;
  /** The audit chain this writer appends to (the writer's instance id). */
  readonly chainId: string;
  readonly auditTopics: AuditTopics;
  /** The audit entries of one landed job. */
  readonly toFields: (landed: LandedJob<E>) => readonly AuditFields[];
  /** Participants that run before the audit trail in every transaction. */
  readonly participants?: readonly TransactionParticipant<E>[];
  readonly maxBatchJobs?: number;
  /** Kafka's per-topic batch limit (topics.maxMessageBytes); see TransactionalWriterOptions. */
  readonly maxTopicBatchBytes?: number;
  /** Signs the chain's heads with the writer's key (see head-signature.ts). */
  readonly signer?: HeadSigner;
}

/**
 * A transactional writer whose every transaction carries its audit records, on the writer's own
 * chain. The producer is initialised **before** the chain head is read: initialising under the
 * same transactional id fences a predecessor (a killed instance) and aborts what it left open,
 * so the head read afterwards is final and the chain continues without a fork. A commit Kafka
 * never confirmed is settled the same way: the new producer fences, the head is read back.
 * @throws IntelrouteError KAFKA_UNAVAILABLE, KAFKA_TOPIC_MISSING, AUDIT_RECORD_INVALID.
 */
export async function startAuditedWriter<E>(
  options: AuditedWriterOptions<E>,
): Promise<TransactionalWriter<E>> {
  const audit = new DeferredParticipant<E>();
  const writer = new TransactionalWriter<E>({
    kafka: options.kafka,
    transactionalId: options.transactionalId,
    logger: options.logger,
    participants: [...(options.participants ?? []), audit],
    ...(options.maxBatchJobs === undefined ? {} : { maxBatchJobs: options.maxBatchJobs }),
    ...(options.maxTopicBatchBytes === undefined
      ? {}
      : { maxTopicBatchBytes: options.maxTopicBatchBytes }),
  });
  await writer.start();
  try {
    const readChain = () => loadChainState(options, options.auditTopics, options.chainId);
    audit.install(
      new AuditParticipant(
        await readChain(),
        options.auditTopics,
        options.toFields,
        options.signer,
        readChain,
      ),
    );
    return writer;
  } catch (error) {
    await writer.stop();
    throw error;
  }
}

/**
 * A participant whose real one is installed after the writer started. Until then it refuses
 * every batch (the writer aborts it), so nothing is ever written without its audit records.
 */
class DeferredParticipant<E> implements TransactionParticipant<E> {
  private inner: TransactionParticipant<E> | undefined;

  install(participant: TransactionParticipant<E>): void {
    this.inner = participant;
  }

  prepare(landed: readonly LandedJob<E>[]): OutboundRecord[] {
    if (this.inner === undefined) {
      throw new IntelrouteError('INTERNAL', 'audit chain not loaded yet; nothing is written');
    }
    return this.inner.prepare(landed);
  }

  committed(): void {
    this.inner?.committed();
  }

  aborted(): void {
    this.inner?.aborted();
  }

  readonly readOutcome = async (): Promise<boolean | undefined> => this.inner?.readOutcome?.();

  readonly plannedRecords = (jobs: readonly WriteJob<E>[]): Array<{ topic: string; key: Buffer }> =>
    this.inner?.plannedRecords?.(jobs) ?? [];
}
