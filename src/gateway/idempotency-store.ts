import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
import { IdempotencyRecord } from '../contract/generated/intelroute/v1/records';

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
 * An entry as kept: the payload hash and ack as protobuf bytes in a one-byte string (latin1).
 * A retry is rare and every accepted message adds an entry, so memory wins over decoding time:
 * about 0.4 KB per entry against 1 KB for the decoded objects.
 */
interface PackedEntry {
  readonly packed: string;
  readonly acceptedAtMs: number;
}

/**
 * Accepted message ids of the last `windowMs`, at most `maxEntries` of them (the oldest go
 * first). Insertion order is acceptance order, so expiry and eviction both take from the front
 * of the Map. Pure: the clock is passed in.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, PackedEntry>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry of `key` if accepted within the window before `nowMs`. */
  get(key: string, nowMs: number): IdempotencyEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.acceptedAtMs + this.windowMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return unpack(entry);
  }

  /** Remembers an accepted id (a later put of the same key keeps the first acceptance). */
  put(key: string, entry: IdempotencyEntry, nowMs: number): void {
    if (this.entries.has(key)) return;
    this.entries.set(key, pack(entry));
    this.evict(nowMs);
  }

  private evict(nowMs: number): void {
    for (const [key, entry] of this.entries) {
      const expired = entry.acceptedAtMs + this.windowMs <= nowMs;
      if (!expired && this.entries.size <= this.maxEntries) return;
      this.entries.delete(key);
    }
  }
}

function pack({ payloadSha256, fingerprint, ack, acceptedAtMs }: IdempotencyEntry): PackedEntry {
  // The fingerprint covers the payload hash: keep the hash only where there is no fingerprint.
  const bytes = IdempotencyRecord.encode({
    messageId: '',
    origin: '',
    payloadSha256: fingerprint === '' ? payloadSha256 : '',
    fingerprint,
    ack,
  }).finish();
  return { packed: Buffer.from(bytes).toString('latin1'), acceptedAtMs };
}

function unpack({ packed, acceptedAtMs }: PackedEntry): IdempotencyEntry {
  const record = IdempotencyRecord.decode(Buffer.from(packed, 'latin1'));
  return {
    payloadSha256: record.payloadSha256,
    fingerprint: record.fingerprint,
    ack: record.ack as PublishAck,
    acceptedAtMs,
  };
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
