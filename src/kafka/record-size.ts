import type { OutboundRecord } from './record-format';

/**
 * Bytes a record batch (one partition's records in one produce request) spends besides its
 * records: the v2 batch header is 61 bytes; rounded up for safety.
 */
export const RECORD_BATCH_OVERHEAD_BYTES = 64;

/** Bytes of one record's framing (length, attributes, deltas, lengths): at most this many. */
const RECORD_FRAMING_BYTES = 32;

/**
 * Upper bound of the bytes `record` takes in a record batch: key, value, header names and values
 * (UTF-8) and framing. Kafka's `max.message.bytes` bounds a whole batch, so a partition's
 * records are summed against it.
 */
export function recordBytes(record: OutboundRecord): number {
  let bytes = RECORD_FRAMING_BYTES + record.key.length + record.value.length;
  const { headers } = record;
  for (const name in headers) {
    bytes +=
      HEADER_FRAMING_BYTES + Buffer.byteLength(name) + Buffer.byteLength(headers[name] ?? '');
  }
  return bytes;
}

const HEADER_FRAMING_BYTES = RECORD_FRAMING_BYTES / 4;

/** Bytes per topic of `records`, each topic's batch overhead included. */
export function bytesPerTopic(records: readonly OutboundRecord[]): Map<string, number> {
  const perTopic = new Map<string, number>();
  for (const record of records) {
    const before = perTopic.get(record.topic) ?? RECORD_BATCH_OVERHEAD_BYTES;
    perTopic.set(record.topic, before + recordBytes(record));
  }
  return perTopic;
}

/** The first topic of `perTopic` (bytesPerTopic) above `limit` bytes, with its size. */
export function oversizedTopic(
  perTopic: ReadonlyMap<string, number>,
  limit: number,
): { topic: string; bytes: number } | undefined {
  for (const [topic, bytes] of perTopic) {
    if (bytes > limit) return { topic, bytes };
  }
  return undefined;
}
