import { auditFields, sha256Hex, type AuditFields } from '../../../audit';
import type { Envelope } from '../../../contract/generated/intelroute/v1/envelope';
import { AuditEvent } from '../../../contract/generated/intelroute/v1/records';
import { formatOrigin } from '../../../kafka/record-format';
import type { LandedJob, RecordLocation } from '../../../kafka/transactional-writer';

/** What the audit trail says of a message a reader touched (never its payload). */
export interface MessageFacts {
  readonly messageId: string;
  readonly messageType: string;
  /** The declared origin, "ncb:FR" etc. */
  readonly origin: string;
  readonly traceId: string;
  readonly payloadSha256: string;
  readonly payloadSize: number;
}

/**
 * A reader-side event, handed to the writer with the job that commits it; the audit participant
 * turns each into one AuditRecord on the reader's own chain.
 */
export interface ReaderEvent {
  readonly kind: 'delivered' | 'acked' | 'dead-lettered';
  readonly at: Date;
  /** Undefined for a record that could not be decoded. */
  readonly facts: MessageFacts | undefined;
  /** Where the message was read. */
  readonly source: RecordLocation;
  /** The consumer group (readers) or the subscriber's group. */
  readonly reader: string;
  /** Who acted: the reader instance, or the subscriber's identity URN. */
  readonly identity: string;
  /** DEAD_LETTERED: a ReasonCode name and an explanation. */
  readonly reason?: string;
  readonly description?: string;
}

const EVENTS: Readonly<Record<ReaderEvent['kind'], AuditEvent>> = {
  delivered: AuditEvent.AUDIT_EVENT_DELIVERED,
  acked: AuditEvent.AUDIT_EVENT_ACKED,
  'dead-lettered': AuditEvent.AUDIT_EVENT_DEAD_LETTERED,
};

/** The facts of a decoded envelope; the payload hash from the receipt, else computed. */
export function factsOf(envelope: Envelope, traceId: string): MessageFacts {
  const receiptHash = envelope.receipt?.payloadSha256 ?? '';
  return {
    messageId: envelope.messageId,
    messageType: envelope.messageType,
    origin: formatOrigin(envelope.origin),
    traceId,
    payloadSha256: receiptHash !== '' ? receiptHash : sha256Hex(envelope.payload),
    payloadSize: envelope.payload.length,
  };
}

/** The audit entries of one landed job: one per event, in order. */
export function readerAuditFields(landed: LandedJob<ReaderEvent>): AuditFields[] {
  return landed.job.events.map((event) =>
    auditFields({
      event: EVENTS[event.kind],
      at: event.at,
      messageId: event.facts?.messageId ?? '',
      messageType: event.facts?.messageType ?? '',
      origin: event.facts?.origin ?? '',
      identity: event.identity,
      traceId: event.facts?.traceId ?? '',
      payloadSha256: event.facts?.payloadSha256 ?? '',
      payloadSize: String(event.facts?.payloadSize ?? 0),
      locations: [{ ...event.source }],
      reason: event.reason ?? '',
      description: event.description ?? '',
      reader: event.reader,
    }),
  );
}
