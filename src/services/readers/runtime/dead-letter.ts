import { DeadLetterRecord } from '../../../contract/generated/intelroute/v1/records';
import type { OutboundRecord } from '../../../kafka/record-format';
import type { RecordLocation } from '../../../kafka/transactional-writer';
import type { MessageFacts } from './reader-events';

/**
 * ReasonCode names a reader's dead letter carries. gateway.proto has no delivery-specific code
 * yet: a record that is not an Envelope is ENVELOPE_INVALID, a handler that kept failing (or
 * refused the message) is INTERNAL with the handler's error code in the description.
 */
export const DEAD_LETTER_REASONS = {
  undecodable: 'ENVELOPE_INVALID',
  handlerFailed: 'INTERNAL',
} as const;

/** The facts of a delivery a reader gave up on (never the payload). */
export interface ReaderDeadLetter {
  /** Undefined when the record could not be decoded. */
  readonly facts: MessageFacts | undefined;
  readonly messageType: string;
  readonly schemaVersion: number;
  readonly reason: string;
  readonly description: string;
  readonly source: RecordLocation;
  readonly attempts: number;
  /** The reader (consumer group). */
  readonly reader: string;
  readonly instanceId: string;
  readonly at: Date;
}

/**
 * The dead-letter record of a message a reader gave up on: DeadLetterRecord as proto3 JSON
 * (records.proto), key = message id (or the source location when the record did not decode),
 * never the payload (only its hash and size).
 */
export function encodeReaderDeadLetter(topic: string, letter: ReaderDeadLetter): OutboundRecord {
  const record = DeadLetterRecord.create({
    messageId: letter.facts?.messageId ?? '',
    reason: letter.reason,
    description: letter.description,
    identity: letter.reader,
    messageType: letter.messageType,
    schemaVersion: letter.schemaVersion,
    payloadSha256: letter.facts?.payloadSha256 ?? '',
    payloadSize: String(letter.facts?.payloadSize ?? 0),
    refusedAt: letter.at,
    traceId: letter.facts?.traceId ?? '',
    source: { ...letter.source },
    attempts: letter.attempts,
    instanceId: letter.instanceId,
  });
  const { topic: from, partition, offset } = letter.source;
  const key = letter.facts?.messageId ?? `${from}/${partition}/${offset}`;
  return {
    topic,
    key: Buffer.from(key, 'utf8'),
    value: Buffer.from(JSON.stringify(DeadLetterRecord.toJSON(record)), 'utf8'),
    headers: { 'content-type': 'application/json' },
  };
}
