/**
 * Kafka's default partitioner for keyed records: murmur2 of the key bytes (seed 0x9747b28c),
 * made positive, modulo the partition count. Byte-for-byte the Java client's `Utils.murmur2` and
 * `toPositive`, so a Java or Python producer using the same key picks the same partition, and
 * per-case order holds across writers.
 */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`partition count must be a positive integer, got ${partitionCount}`);
  }
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's murmur2, as a signed 32-bit integer like Java's. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const at = i * 4;
    let k =
      (data[at] as number) |
      ((data[at + 1] as number) << 8) |
      ((data[at + 2] as number) << 16) |
      ((data[at + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The 1–3 trailing bytes, as Java's switch with fall-through mixes them.
  const tail = blocks * 4;
  const left = length & 3;
  if (left >= 3) h ^= (data[tail + 2] as number) << 16;
  if (left >= 2) h ^= (data[tail + 1] as number) << 8;
  if (left >= 1) {
    h ^= data[tail] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
