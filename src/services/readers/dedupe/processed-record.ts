import type { OutboundRecord } from '../../../kafka/record-format';
import type { RecordLocation } from '../../../kafka/transactional-writer';

/**
 * A reader's mark that it processed a message (topic intel.v1.readers.processed, compacted,
 * key "<group>|<origin>|<message_id>"). UTF-8 JSON, like intelroute's other own records; never
 * payload. Marks written before origins were part of the key ("<group>|<message_id>") are read
 * too, but match no message any more: at most one more delivery of those messages.
 */
export interface ProcessedMark {
  readonly group: string;
  /** messageIdentity: "<origin>|<message_id>". */
  readonly identity: string;
  readonly messageId: string;
  /** When the handler succeeded (ms since epoch); the dedupe window counts from here. */
  readonly processedAtMs: number;
  /** Where the reader read the message. */
  readonly source: RecordLocation;
  /** The reader instance that processed it. */
  readonly instanceId: string;
}

const CONTENT_TYPE = 'application/json';

/** The record key: "<group>|<identity>". */
export function processedKey(group: string, identity: string): string {
  return `${group}|${identity}`;
}

/** The outbound record of a mark, for the reader's commit transaction. */
export function encodeProcessedMark(topic: string, mark: ProcessedMark): OutboundRecord {
  const value = {
    group: mark.group,
    identity: mark.identity,
    messageId: mark.messageId,
    processedAt: new Date(mark.processedAtMs).toISOString(),
    source: mark.source,
    instanceId: mark.instanceId,
  };
  return {
    topic,
    key: Buffer.from(processedKey(mark.group, mark.identity), 'utf8'),
    value: Buffer.from(JSON.stringify(value), 'utf8'),
    headers: { 'content-type': CONTENT_TYPE },
  };
}

/**
 * The message identity and time of a mark of `group`, or undefined for another group's mark, a
 * tombstone or an unreadable value (the store then simply does not know the message: at worst a
 * duplicate reaches the handler, which is what happens without a store).
 */
export function parseProcessedMark(
  group: string,
  key: Buffer | null,
  value: Buffer | null,
): { identity: string; processedAtMs: number } | undefined {
  const prefix = `${group}|`;
  const text = key?.toString('utf8');
  if (text === undefined || !text.startsWith(prefix) || value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as { processedAt?: unknown };
    const at = typeof parsed.processedAt === 'string' ? Date.parse(parsed.processedAt) : NaN;
    if (Number.isNaN(at)) return undefined;
    return { identity: text.slice(prefix.length), processedAtMs: at };
  } catch {
    return undefined;
  }
}
