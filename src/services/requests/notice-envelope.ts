import {
  Channel,
  HandlingCode,
  OriginKind,
  Priority,
  type Destination,
  type Envelope,
} from '../../contract/generated/intelroute/v1/envelope';
import { noticeIdOf } from './ledger-entry';
import { SECRETARIAT, type Party, type RequestFacts } from './ledger-event';

const SECRETARIAT_DESTINATION: Destination = {
  target: { $case: 'channel', channel: Channel.CHANNEL_SECRETARIAT },
};

/**
 * The request-overdue-notice v1 envelope for (request, silent recipient), from
 * `urn:intelroute:system:request-ledger`, addressed to the requester and the Secretariat (the
 * Secretariat is left out when the request kept it away). H2 with restricted_to [requester]:
 * the notice goes to its named destinations only. Everything derives from the request's facts,
 * so a notice sent again is byte-identical and the gateway answers it as a duplicate.
 */
export function noticeEnvelope(
  requestId: string,
  request: RequestFacts,
  silentRecipient: Party,
): Envelope {
  const toCountry = request.requester !== SECRETARIAT;
  const destinations: Destination[] = [
    ...(toCountry ? [{ target: { $case: 'country' as const, country: request.requester } }] : []),
    ...(request.secretariatMayKnow || !toCountry ? [SECRETARIAT_DESTINATION] : []),
  ];
  return {
    messageId: noticeIdOf(request.requester, requestId, silentRecipient),
    messageType: 'request-overdue-notice',
    schemaVersion: 1,
    origin: { kind: OriginKind.ORIGIN_KIND_SYSTEM, country: '', agencyId: '' },
    destinations,
    handling: {
      code: HandlingCode.HANDLING_CODE_H2,
      restrictedTo: toCountry ? [request.requester] : [],
      restrictions: [],
      restrictionText: '',
      retentionDays: Math.min(Math.max(request.retentionDays, 1), 1826),
    },
    evaluation: undefined,
    priority: Priority.PRIORITY_UNSPECIFIED,
    inReplyTo: '',
    // The notices of one request share a Kafka key, so a reader gets them in order.
    caseReference: `request:${requestId}`,
    createdAt: new Date(request.dueAt),
    payload: Buffer.from(
      JSON.stringify(noticePayload(requestId, request, silentRecipient)),
      'utf8',
    ),
    contentType: 'application/json',
    receipt: undefined,
  };
}

/** The request-overdue-notice v1 payload: which request, who is silent; never its content. */
function noticePayload(
  requestId: string,
  request: RequestFacts,
  silentRecipient: Party,
): Record<string, unknown> {
  return {
    requestId,
    requester: request.requester,
    silentRecipient,
    priority: request.priority,
    requestedAt: request.requestedAt,
    replyDueAt: request.dueAt,
    recipientCount: Math.min(Math.max(request.recipients.length, 1), 64),
  };
}
