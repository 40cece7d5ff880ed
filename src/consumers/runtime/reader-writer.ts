import type { Admin, Kafka } from 'kafkajs';
import { AuditParticipant, loadChainState } from '../../audit/audit-participant';
import type { AuditTopics } from '../../audit';
import type { OutboundRecord } from '../../kafka/record-format';
import {
  TransactionalWriter,
  type LandedJob,
  type TransactionParticipant,
} from '../../kafka/transactional-writer';
import { IntelrouteError } from '../../errors';
import type { Logger } from '../../telemetry/logger';
import { readerAuditFields, type ReaderEvent } from './reader-events';

/** The Kafka client, ids and topics of a reader-side transactional writer. */
export interface ReaderWriterOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly logger: Logger;
  readonly transactionalId: string;
  /** The audit chain this writer appends to (the reader's instance id). */
  readonly chainId: string;
  readonly auditTopics: AuditTopics;
}

/**
 * The transactional writer of a reader (or of the subscription service), with an audit
 * participant on its own chain. The producer is initialised before the chain head is read:
 * initialising under the same transactional id fences a predecessor (a killed reader) and aborts
 * whatever it left open, so the head read afterwards is final.
 * @throws IntelrouteError KAFKA_UNAVAILABLE, KAFKA_TOPIC_MISSING, AUDIT_RECORD_INVALID.
 */
export async function startReaderWriter(
  options: ReaderWriterOptions,
): Promise<TransactionalWriter<ReaderEvent>> {
  const audit = new DeferredParticipant<ReaderEvent>();
  const writer = new TransactionalWriter<ReaderEvent>({
    kafka: options.kafka,
    transactionalId: options.transactionalId,
    logger: options.logger.child({ component: 'reader-writer' }),
    participants: [audit],
  });
  await writer.start();
  try {
    const chain = await loadChainState(options, options.auditTopics, options.chainId);
    audit.install(new AuditParticipant(chain, options.auditTopics, readerAuditFields));
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
}
