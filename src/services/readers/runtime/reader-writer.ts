import type { KafkaAdmin, KafkaClient } from '../../../kafka/kafka-connection';
import type { AuditTopics } from '../../../audit';
import type { HeadSigner } from '../../../audit/head-signature';
import { startAuditedWriter } from '../../../audit/audited-writer';
import type { TransactionalWriter } from '../../../kafka/transactional-writer';
import type { Logger } from '../../../telemetry/logger';
import { readerAuditFields, type ReaderEvent } from './reader-events';

/** The Kafka client, ids and topics of a reader-side transactional writer. */
export interface ReaderWriterOptions {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly logger: Logger;
  readonly transactionalId: string;
  /** The audit chain this writer appends to (the reader's instance id). */
  readonly chainId: string;
  readonly auditTopics: AuditTopics;
  /** Signs the chain's heads (none: unsigned). */
  readonly signer?: HeadSigner;
}

/**
 * The transactional writer of a reader (or of the subscription service), its transactions
 * audited on the reader's own chain (see startAuditedWriter for the start order).
 */
export function startReaderWriter(
  options: ReaderWriterOptions,
): Promise<TransactionalWriter<ReaderEvent>> {
  return startAuditedWriter({
    ...options,
    logger: options.logger.child({ component: 'reader-writer' }),
    toFields: readerAuditFields,
  });
}
