import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
import type { RecordLocation } from '../kafka/transactional-writer';
import type { RoutedEvent } from './gateway-events';

/**
 * The acknowledgement of a routed message, built the same way for the sender and for the
 * idempotency record, so a retry gets the first answer again (with `duplicate` set). Topics are
 * the real topic names, deployment prefix included, so the ack says where the records are.
 */
export function buildAck(
  event: RoutedEvent,
  locations: readonly RecordLocation[],
  topicPrefix: string,
): PublishAck {
  return {
    messageId: event.facts.messageId,
    records: locations.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.offset })),
    duplicate: false,
    routesNotTaken: event.notTaken.map((n) => ({
      topic: `${topicPrefix}${n.topic}`,
      reason: n.reason,
      description: n.description,
    })),
    acceptedAt: event.facts.at,
    traceId: event.facts.traceId,
  };
}
