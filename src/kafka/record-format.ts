import type { RecordHeaders } from './stream-record';
import { formatOrigin } from '../contract/message-identity';
import { Envelope } from '../contract/generated/intelroute/v1/envelope';

export { formatOrigin };

/** Header names of a message record (proto/README.md documents them for other languages). */
export const HEADERS = {
  messageId: 'message-id',
  messageType: 'message-type',
  schemaVersion: 'schema-version',
  origin: 'origin',
  sender: 'sender',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** A record as intelroute writes it; values and header values are bytes or UTF-8 text. */
export interface OutboundRecord {
  readonly topic: string;
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** W3C trace context to carry in the headers (absent when no trace is recorded). */
export interface TraceCarrier {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/**
 * The record of one message for one topic: value = the Envelope in protobuf binary (with the
 * gateway's receipt), key = case reference, else message id (so one case keeps its order), and
 * the headers readers route and trace by without decoding the value.
 */
export function encodeMessageRecord(
  topic: string,
  envelope: Envelope,
  trace: TraceCarrier = {},
): OutboundRecord {
  return messageRecord(topic, encodeEnvelope(envelope), { key: recordKey(envelope), trace });
}

/** An envelope encoded once, to be written to several topics without encoding it again. */
export interface EncodedEnvelope {
  readonly envelope: Envelope;
  readonly value: Buffer;
}

export function encodeEnvelope(envelope: Envelope): EncodedEnvelope {
  return { envelope, value: Buffer.from(Envelope.encode(envelope).finish()) };
}

/** A message record from an encoded envelope (the value bytes are shared, not copied). */
export function messageRecord(
  topic: string,
  { envelope, value }: EncodedEnvelope,
  options: { key: string; trace?: TraceCarrier },
): OutboundRecord {
  const headers: Record<string, string> = {
    [HEADERS.messageId]: envelope.messageId,
    [HEADERS.messageType]: envelope.messageType,
    [HEADERS.schemaVersion]: String(envelope.schemaVersion),
    [HEADERS.origin]: formatOrigin(envelope.origin),
    [HEADERS.contentType]: 'application/x-protobuf; messageType=intelroute.v1.Envelope',
  };
  if (envelope.receipt?.sender) headers[HEADERS.sender] = envelope.receipt.sender;
  if (options.trace?.traceparent) headers[HEADERS.traceparent] = options.trace.traceparent;
  if (options.trace?.tracestate) headers[HEADERS.tracestate] = options.trace.tracestate;
  return { topic, key: Buffer.from(options.key, 'utf8'), value, headers };
}

/** The partitioning key: the case reference when set, else the message id. */
export function recordKey(envelope: Pick<Envelope, 'caseReference' | 'messageId'>): string {
  return envelope.caseReference !== '' ? envelope.caseReference : envelope.messageId;
}

/** Decodes a message record's value. @throws Error when the bytes are not an Envelope. */
export function decodeMessageValue(value: Uint8Array): Envelope {
  return Envelope.decode(value);
}

/** Reads header values as text whatever form the client hands them in. */
export function headerText(headers: RecordHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}
