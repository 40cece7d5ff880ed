import type { StreamRecord } from '../../../kafka/stream-record';
import type { Envelope } from '../../../contract/generated/intelroute/v1/envelope';
import { decodeMessageValue, HEADERS, headerText } from '../../../kafka/record-format';
import {
  childContext,
  parseTraceparent,
  type TraceContext,
} from '../../../telemetry/trace-context';

/** A record read as a message, or why it cannot be. */
export type DecodedRecord =
  | {
      readonly ok: true;
      readonly envelope: Envelope;
      readonly headers: Readonly<Record<string, string>>;
      /** A new span in the message's trace (from `traceparent`), or a new trace. */
      readonly trace: TraceContext;
    }
  | {
      readonly ok: false;
      readonly description: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly trace: TraceContext;
    };

/**
 * Decodes a message record (value = Envelope protobuf) and restores its trace context from the
 * headers. A record without a value, whose bytes are not an Envelope, or whose envelope lacks a
 * message id or type is not decoded: the runtime dead-letters it instead of crashing.
 */
export function decodeRecord(message: StreamRecord): DecodedRecord {
  const headers = headersOf(message);
  const parent = parseTraceparent(headers[HEADERS.traceparent], headers[HEADERS.tracestate]);
  const trace = childContext(parent);
  if (message.value === null) {
    return { ok: false, description: 'record has no value (a tombstone)', headers, trace };
  }
  let envelope: Envelope;
  try {
    envelope = decodeMessageValue(message.value);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, description: `value is not an Envelope: ${why}`, headers, trace };
  }
  if (envelope.messageId === '' || envelope.messageType === '') {
    const description = 'value decodes to an Envelope without message_id or message_type';
    return { ok: false, description, headers, trace };
  }
  // A record written without trace headers still belongs to the trace the gateway recorded.
  const traceId =
    parent === undefined && isTraceId(envelope.receipt?.traceId)
      ? envelope.receipt?.traceId
      : undefined;
  return {
    ok: true,
    envelope,
    headers,
    trace: traceId === undefined ? trace : { ...trace, traceId },
  };
}

function headersOf(message: StreamRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(message.headers ?? {})) {
    const text = headerText(message.headers, name);
    if (text !== undefined) headers[name] = text;
  }
  return headers;
}

function isTraceId(value: string | undefined): value is string {
  return value !== undefined && /^[0-9a-f]{32}$/.test(value) && !/^0+$/.test(value);
}
