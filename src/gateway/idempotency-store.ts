import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
import { Fifo } from '../core/fifo';
import { IdempotencyPacker } from './idempotency-packing';

/** What the gateway remembers of an accepted message id. */
export interface IdempotencyEntry {
  readonly payloadSha256: string;
  /** messageFingerprint of the accepted message; '' for entries recorded before it existed. */
  readonly fingerprint: string;
  readonly ack: PublishAck;
  /** When the first acceptance happened (ms since epoch); the entry lives `windowMs` after. */
  readonly acceptedAtMs: number;
}

/**
 * Accepted message ids of the last `windowMs`, at most `maxEntries` of them (the oldest go
 * first). Insertion order is acceptance order, so expiry and eviction both take from the front
 * of that order. Pure: the clock is passed in.
 *
 * Every accepted message adds an entry and a retry is rare, so memory wins over decoding time:
 * each entry is kept as one packed string (see IdempotencyPacker), about 0.2 KB per id with its
 * key and the Map's own slots (`npx tsx --expose-gc bench/idempotency-memory.ts`). `get` gives
 * back what `put` was given, except payloadSha256: '' when there is a fingerprint, which
 * covers the payload (isSameMessage then compares fingerprints).
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, string>();
  private readonly packer = new IdempotencyPacker();
  /**
   * Keys in acceptance order: eviction takes from the front. Walking the Map itself from its
   * start on every put cost 30-70 µs per put once the store was full (V8 keeps deleted entries'
   * slots until it rebuilds the table, and every walk crossed them all); a live iterator kept on
   * the Map held every outgrown table while the store filled (+29 B/id).
   */
  private readonly order = new Fifo<string>();
  /** Keys `get` deleted (expired) and how many of their places in `order` are left behind. */
  private readonly stale = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry of `key` if accepted within the window before `nowMs`. */
  get(key: string, nowMs: number): IdempotencyEntry | undefined {
    const packed = this.entries.get(key);
    if (packed === undefined) return undefined;
    if (this.expired(packed, nowMs)) {
      this.entries.delete(key);
      this.stale.set(key, (this.stale.get(key) ?? 0) + 1);
      return undefined;
    }
    return this.packer.unpack(packed);
  }

  /** Remembers an accepted id (a later put of the same key keeps the first acceptance). */
  put(key: string, entry: IdempotencyEntry, nowMs: number): void {
    if (this.entries.has(key)) return;
    const flat = flattened(key);
    this.entries.set(flat, this.packer.pack(entry));
    this.order.push(flat);
    this.evict(nowMs);
  }

  /** Drops entries from the front of `order` while expired or over maxEntries. */
  private evict(nowMs: number): void {
    for (let key = this.order.peek(); key !== undefined; key = this.order.peek()) {
      const left = this.stale.get(key);
      if (left !== undefined) {
        // A stale place comes before the key's live one (if any): an older acceptance's.
        if (left === 1) this.stale.delete(key);
        else this.stale.set(key, left - 1);
      } else {
        // Every key stored has exactly one place that is not stale: its latest.
        const packed = this.entries.get(key) as string;
        if (!this.expired(packed, nowMs) && this.entries.size <= this.maxEntries) return;
        this.entries.delete(key);
      }
      this.order.dropFirst();
    }
  }

  private expired(packed: string, nowMs: number): boolean {
    return this.packer.acceptedAtMs(packed) + this.windowMs <= nowMs;
  }
}

/**
 * Keys are concatenations (`${origin}|${messageId}`), which V8 keeps as ropes of several
 * strings: 32 bytes a node, and a randomUUID() alone is a rope of ~20 nodes. Reading one
 * character flattens the rope in place into one sequential string, and the next GC drops the
 * rope nodes: a 43-character key then costs 64 bytes.
 */
function flattened(key: string): string {
  key.charCodeAt(0);
  return key;
}

/**
 * True when a retry (its fingerprint and payload hash) is the message `entry` accepted. Entries
 * without a fingerprint (written by an older gateway) can only compare the payload.
 */
export function isSameMessage(
  entry: Pick<IdempotencyEntry, 'fingerprint' | 'payloadSha256'>,
  retry: { fingerprint: string; payloadSha256: string },
): boolean {
  return entry.fingerprint === ''
    ? entry.payloadSha256 === retry.payloadSha256
    : entry.fingerprint === retry.fingerprint;
}
