import {
  channelToJSON,
  handlingCodeToJSON,
  informationAccuracyToJSON,
  priorityToJSON,
  restrictionToJSON,
  sourceReliabilityToJSON,
  type Destination,
  type Envelope,
} from '../../../contract/generated/intelroute/v1/envelope';
import { formatOrigin, HEADERS } from '../../../kafka/record-format';
import type { ReaderDelivery } from '../runtime/reader-types';

/**
 * The national system's copy of one message, as the file, stdout and webhook sinks write it.
 * Every field is always present (null or an empty list when the envelope has no value), unlike
 * the proto3 JSON mapping, which drops default values: a consumer of the file can rely on the
 * shape. Enum values are the short names ("H2", "NCB_ONLY", "B", "2").
 */
export interface MessageDocument {
  readonly messageId: string;
  readonly messageType: string;
  readonly schemaVersion: number;
  readonly origin: string;
  readonly sender: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly caseReference: string | null;
  readonly destinations: readonly string[];
  readonly handling: {
    readonly code: string;
    readonly restrictedTo: readonly string[];
    readonly restrictions: readonly string[];
    readonly restrictionText: string | null;
    readonly retentionDays: number;
  } | null;
  readonly evaluation: {
    readonly sourceReliability: string;
    readonly informationAccuracy: string;
  } | null;
  readonly priority: string;
  readonly inReplyTo: string | null;
  readonly createdAt: string | null;
  readonly receivedAt: string | null;
  readonly replyDueAt: string | null;
  readonly payloadSha256: string | null;
  readonly traceId: string;
  /** `json`: `payload` is the parsed payload; `base64`: it was not JSON and is given as base64. */
  readonly payloadEncoding: 'json' | 'base64';
  readonly payload: unknown;
}

/** The document of a delivery (pure). */
export function messageDocument(delivery: ReaderDelivery): MessageDocument {
  const { envelope, record, headers } = delivery;
  const receipt = envelope.receipt;
  return {
    messageId: envelope.messageId,
    messageType: envelope.messageType,
    schemaVersion: envelope.schemaVersion,
    origin: formatOrigin(envelope.origin),
    sender: nonEmpty(receipt?.sender) ?? nonEmpty(headers[HEADERS.sender]) ?? null,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    caseReference: nonEmpty(envelope.caseReference) ?? null,
    destinations: envelope.destinations.map(destinationName),
    handling: handlingOf(envelope),
    evaluation: evaluationOf(envelope),
    priority: shortName(priorityToJSON(envelope.priority), 'PRIORITY_'),
    inReplyTo: nonEmpty(envelope.inReplyTo) ?? null,
    createdAt: isoOrNull(envelope.createdAt),
    receivedAt: isoOrNull(receipt?.receivedAt),
    replyDueAt: isoOrNull(receipt?.replyDueAt),
    payloadSha256: nonEmpty(receipt?.payloadSha256) ?? null,
    traceId: nonEmpty(receipt?.traceId) ?? delivery.trace.traceId,
    ...payloadOf(envelope.payload),
  };
}

/** One JSON Lines line (with its newline) of a delivery. */
export function jsonLine(delivery: ReaderDelivery): string {
  return `${JSON.stringify(messageDocument(delivery))}\n`;
}

function handlingOf(envelope: Envelope): MessageDocument['handling'] {
  const handling = envelope.handling;
  if (handling === undefined) return null;
  return {
    code: shortName(handlingCodeToJSON(handling.code), 'HANDLING_CODE_'),
    restrictedTo: [...handling.restrictedTo],
    restrictions: handling.restrictions.map((r) => shortName(restrictionToJSON(r), 'RESTRICTION_')),
    restrictionText: nonEmpty(handling.restrictionText) ?? null,
    retentionDays: handling.retentionDays,
  };
}

function evaluationOf(envelope: Envelope): MessageDocument['evaluation'] {
  const evaluation = envelope.evaluation;
  if (evaluation === undefined) return null;
  return {
    sourceReliability: shortName(
      sourceReliabilityToJSON(evaluation.sourceReliability),
      'SOURCE_RELIABILITY_',
    ),
    informationAccuracy: shortName(
      informationAccuracyToJSON(evaluation.informationAccuracy),
      'INFORMATION_ACCURACY_',
    ),
  };
}

function destinationName(destination: Destination): string {
  const target = destination.target;
  if (target === undefined) return 'UNSPECIFIED';
  return target.$case === 'country'
    ? target.country
    : shortName(channelToJSON(target.channel), 'CHANNEL_');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function payloadOf(bytes: Uint8Array): Pick<MessageDocument, 'payload' | 'payloadEncoding'> {
  try {
    return { payloadEncoding: 'json', payload: JSON.parse(UTF8.decode(bytes)) as unknown };
  } catch {
    return { payloadEncoding: 'base64', payload: Buffer.from(bytes).toString('base64') };
  }
}

function shortName(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

function isoOrNull(date: Date | undefined): string | null {
  return date === undefined || Number.isNaN(date.getTime()) ? null : date.toISOString();
}
