import type { Kafka } from 'kafkajs';
import {
  AuditEvent,
  AuditRecord,
  DeadLetterRecord,
} from '../../../src/contract/generated/intelroute/v1/records';
import { eventually } from '../../helpers/eventually';
import { readAllCommitted } from '../../helpers/read-topic';

export { AuditEvent };

/** Every audit record of a gateway's topics (prefix included), decoded, in topic order. */
export async function auditRecords(kafka: Kafka, auditTopic: string): Promise<AuditRecord[]> {
  return (await readAllCommitted(kafka, auditTopic)).map((record) =>
    AuditRecord.fromJSON(JSON.parse(record.value.toString('utf8'))),
  );
}

/** Every dead-letter record of a gateway, decoded, with its raw JSON text. */
export async function deadLetters(
  kafka: Kafka,
  deadLetterTopic: string,
): Promise<{ record: DeadLetterRecord; text: string }[]> {
  return (await readAllCommitted(kafka, deadLetterTopic)).map((record) => {
    const text = record.value.toString('utf8');
    return { record: DeadLetterRecord.fromJSON(JSON.parse(text)), text };
  });
}

/**
 * The audit trail once it holds a REFUSED record for every id of `messageIds` (refusals are
 * written behind the answer), within `timeoutMs`.
 */
export function auditOnceRefused(
  kafka: Kafka,
  auditTopic: string,
  messageIds: readonly string[],
  timeoutMs = 30_000,
): Promise<AuditRecord[]> {
  return eventually(
    () => auditRecords(kafka, auditTopic),
    (records) => {
      const refused = new Set(
        records.filter((r) => r.event === AuditEvent.AUDIT_EVENT_REFUSED).map((r) => r.messageId),
      );
      return messageIds.every((id) => refused.has(id));
    },
    { timeoutMs, intervalMs: 500 },
  );
}
