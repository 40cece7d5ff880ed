import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
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
 * of the Map. Pure: the clock is passed in.
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
  /** Eviction's place in insertion order: see `oldest`. */
  private cursor: Iterator<[string, string]> | undefined;
  private front: [string, string] | undefined;

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
      return undefined;
    }
    return this.packer.unpack(packed);
  }

  /** Remembers an accepted id (a later put of the same key keeps the first acceptance). */
  put(key: string, entry: IdempotencyEntry, nowMs: number): void {
    if (this.entries.has(key)) return;
    this.entries.set(flattened(key), this.packer.pack(entry));
    this.evict(nowMs);
  }

  private evict(nowMs: number): void {
    for (let entry = this.oldest(); entry !== undefined; entry = this.oldest()) {
      const [key, packed] = entry;
      if (!this.expired(packed, nowMs) && this.entries.size <= this.maxEntries) return;
      this.entries.delete(key);
      this.front = undefined;
    }
  }

  /**
   * The oldest entry stored, found by one live iterator that stays where the last eviction
   * stopped. A Map keeps the slots of deleted entries until its table is rebuilt, and a fresh
   * iterator walks them all: starting from the front on every put made a put into a full store
   * cost 30-70 µs instead of 3.
   */
  private oldest(): [string, string] | undefined {
    const front = this.front;
    // An entry deleted by `get` (expired) cannot come back with the same packed bytes: a new
    // acceptance has a later time.
    if (front !== undefined && this.entries.get(front[0]) === front[1]) return front;
    let next = (this.cursor ??= this.entries.entries()).next();
    if (next.done === true) {
      // All walked (the entry just put was already expired: one loaded from Kafka). An iterator
      // at its end stays there, so entries put from now on need a new one.
      this.cursor = this.entries.entries();
      next = this.cursor.next();
    }
    this.front = next.done === true ? undefined : next.value;
    return this.front;
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
