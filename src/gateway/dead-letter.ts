import { TOPICS } from '../contract/topic-names';
import { DeadLetterRecord } from '../contract/generated/intelroute/v1/records';
import type { OutboundRecord } from '../kafka/record-format';
import type { MessageFacts } from './gateway-events';
import type { GatewayRefusal } from './gateway-refusal';

/**
 * The dead-letter record of a refused message: who sent what (by hash and size), why, where.
 * Key = message id (or the trace id when the id is unknown). Never the payload.
 */
export function deadLetterRecord(
  facts: MessageFacts,
  refusal: GatewayRefusal,
  instanceId: string,
  topicPrefix: string,
): OutboundRecord {
  const record: DeadLetterRecord = {
    ...DeadLetterRecord.create(),
    messageId: facts.messageId,
    reason: refusal.reason,
    description: refusal.message,
    fields: refusal.violations.map((v) => v.field),
    identity: facts.identity,
    messageType: facts.messageType,
    schemaVersion: facts.schemaVersion,
    payloadSha256: facts.payloadSha256,
    payloadSize: String(facts.payloadSize),
    refusedAt: facts.at,
    traceId: facts.traceId,
    instanceId,
  };
  return {
    topic: `${topicPrefix}${TOPICS.deadLetter}`,
    key: Buffer.from(facts.messageId === '' ? facts.traceId : facts.messageId, 'utf8'),
    value: Buffer.from(JSON.stringify(DeadLetterRecord.toJSON(record)), 'utf8'),
    headers: {
      'content-type': 'application/json',
      'message-id': facts.messageId,
      reason: refusal.reason,
    },
  };
}
