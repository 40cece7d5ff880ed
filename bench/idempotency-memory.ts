/**
 * Bytes the gateway's idempotency memory costs per accepted message id, Map key and Map overhead
 * included: fills an IdempotencyStore with acks shaped like the bench gateway's (two records, one
 * route not taken) and compares, after a full GC before and after, the live heap and the
 * ArrayBuffer memory outside it (whatever the store keeps in Buffers: allocated, not only
 * used). Needs node's --expose-gc: `npx tsx --expose-gc bench/idempotency-memory.ts [count]`;
 * prints one JSON line.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { IntelrouteError } from '../src/core/errors';
import type { IdempotencyEntry } from '../src/gateway/idempotency-store';
import { IdempotencyStore } from '../src/gateway/idempotency-store';
import { childResult } from './lib/child-result';

export interface IdempotencyMemoryResult {
  readonly entries: number;
  /** Live heap and ArrayBuffer growth divided by the number of ids, in bytes. */
  readonly bytesPerId: number;
  /** Live heap growth, in bytes. */
  readonly heapBytes: number;
  /** ArrayBuffer memory growth (outside the V8 heap), in bytes. */
  readonly offHeapBytes: number;
  /** CPU per put once the store is full (each put then evicts the oldest entry), in µs. */
  readonly putMicrosWhenFull: number;
}

const DAY_MS = 86_400_000;

/** Fills a store with `count` bench-shaped entries and measures the live heap it holds. */
export function measureIdempotencyMemory(count = 250_000): IdempotencyMemoryResult {
  const collect = globalThis.gc;
  if (collect === undefined) {
    throw new IntelrouteError(
      'INTERNAL',
      'measureIdempotencyMemory needs a full GC: run node with --expose-gc',
    );
  }
  const prefix = `bench-${randomUUID().slice(0, 8)}.gw.`;
  const nowMs = Date.now();
  collect();
  const before = process.memoryUsage();
  const store = new IdempotencyStore(DAY_MS, count);
  for (let i = 0; i < count; i++) {
    store.put(`ncb:FR|${randomUUID()}`, benchEntry(prefix, i, nowMs), nowMs);
  }
  collect();
  const after = process.memoryUsage();
  const heapBytes = after.heapUsed - before.heapUsed;
  const offHeapBytes = after.arrayBuffers - before.arrayBuffers;
  if (store.size !== count) {
    throw new IntelrouteError('INTERNAL', `store kept ${store.size} of ${count} entries`);
  }
  return {
    entries: count,
    bytesPerId: Math.round((heapBytes + offHeapBytes) / count),
    heapBytes,
    offHeapBytes,
    putMicrosWhenFull: putMicrosWhenFull(store, prefix, count, nowMs),
  };
}

/** Puts a fifth of `count` more into the full store: each evicts one. */
function putMicrosWhenFull(
  store: IdempotencyStore,
  prefix: string,
  count: number,
  nowMs: number,
): number {
  const puts = Math.ceil(count / 5);
  const entries = Array.from({ length: puts }, (_, i) => benchEntry(prefix, count + i, nowMs));
  const keys = entries.map(() => `ncb:FR|${randomUUID()}`);
  const started = process.cpuUsage();
  entries.forEach((entry, i) => store.put(keys[i] as string, entry, nowMs));
  const { user, system } = process.cpuUsage(started);
  return Math.round(((user + system) / puts) * 100) / 100;
}

/** What the bench gateway remembers of its i-th message (offsets grow with i, like Kafka's). */
function benchEntry(prefix: string, i: number, nowMs: number): IdempotencyEntry {
  return {
    payloadSha256: randomBytes(32).toString('hex'),
    fingerprint: randomBytes(32).toString('hex'),
    acceptedAtMs: nowMs,
    ack: {
      messageId: randomUUID(),
      records: [
        { topic: `${prefix}intel.v1.country.DE`, partition: i % 3, offset: String(2 * i) },
        { topic: `${prefix}intel.v1.secretariat`, partition: (i + 1) % 3, offset: String(i) },
      ],
      duplicate: false,
      routesNotTaken: [
        {
          topic: `${prefix}intel.v1.working-group`,
          reason: 'RESTRICTED_TO_EXCLUDES',
          description: 'intel.v1.working-group is read by other countries than restricted_to',
        },
      ],
      acceptedAt: new Date(nowMs),
      traceId: randomBytes(16).toString('hex'),
    },
  };
}

/**
 * measureIdempotencyMemory in a child node with --expose-gc (the bench itself runs without it,
 * and a fresh heap measures the store alone).
 */
export function measureIdempotencyMemoryInChild(count = 250_000): IdempotencyMemoryResult {
  return childResult<IdempotencyMemoryResult>(__filename, [String(count)], ['--expose-gc']);
}

if (require.main === module) {
  const count = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  process.stdout.write(`${JSON.stringify(measureIdempotencyMemory(count))}\n`);
}
