/** How many bytes of read, unanswered messages the gateway holds at most. */
export interface PendingLimits {
  /** All identities together (`gateway.maxPendingBytes`). */
  readonly total: number;
  /** One identity (`gateway.maxPendingBytesPerIdentity`). */
  readonly perIdentity: number;
}

/**
 * What one message in hand costs beside its payload's copies: decoded request, parsed payload,
 * records, audit record (10-18 KB measured with 4,096 small messages in flight).
 */
export const MESSAGE_OVERHEAD_BYTES = 16 * 1024;

/**
 * Copies of a payload alive while its message waits: the request read, the record value, the
 * producer's request (measured: 869 MB of array buffers for 280 MiB of payload-plus-overhead
 * counted, 195 KB payloads with the broker stalled).
 */
export const PAYLOAD_COPIES = 3;

/**
 * Below this share of its own limit an identity may always read on, even when the gateway as a
 * whole is full: a light sender is never held back by heavy ones.
 */
const RESERVED_SHARE = 1 / 8;

/**
 * Bytes of messages read and not yet answered, per identity and in all. A message already read
 * is always counted (it is in memory); what the limits decide is whether its sender may send
 * more: a stream is paused (HTTP/2 flow control holds the client back), a unary call refused
 * with a retriable status. Without this, a stalled broker let each identity's 32 streams x 256
 * messages in flight fill memory (one identity of 195 KB messages: RSS 182 -> 1,018 MB in 15 s).
 */
export class PendingBytes {
  private total = 0;
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly reserved: number;

  constructor(private readonly limits: PendingLimits) {
    this.reserved = Math.floor(limits.perIdentity * RESERVED_SHARE);
  }

  /** Bytes held now, in all and for `identity`. */
  heldBy(identity?: string): number {
    return identity === undefined ? this.total : (this.held.get(identity) ?? 0);
  }

  /** True when `identity` may read another message now. */
  hasRoom(identity: string): boolean {
    const own = this.held.get(identity) ?? 0;
    if (own >= this.limits.perIdentity) return false;
    return own < this.reserved || this.total < this.limits.total;
  }

  /** Counts a message with `payloadBytes` read for `identity`; returns what was counted. */
  add(identity: string, payloadBytes: number): number {
    const bytes = payloadBytes * PAYLOAD_COPIES + MESSAGE_OVERHEAD_BYTES;
    this.total += bytes;
    this.held.set(identity, (this.held.get(identity) ?? 0) + bytes);
    return bytes;
  }

  /** The message counted as `bytes` was answered: wakes the readers that now have room. */
  remove(identity: string, bytes: number): void {
    const wasFull = this.total >= this.limits.total;
    this.total -= bytes;
    const own = (this.held.get(identity) ?? 0) - bytes;
    if (own <= 0) this.held.delete(identity);
    else this.held.set(identity, own);
    if (this.waiting.size === 0) return;
    if (wasFull && this.total < this.limits.total) {
      for (const waiter of [...this.waiting.keys()]) this.wake(waiter);
    } else {
      this.wake(identity);
    }
  }

  /** Calls `resume` once, when `identity` has room again (unless `forget` comes first). */
  whenRoom(identity: string, resume: () => void): void {
    const set = this.waiting.get(identity) ?? new Set();
    set.add(resume);
    this.waiting.set(identity, set);
  }

  forget(identity: string, resume: () => void): void {
    const set = this.waiting.get(identity);
    if (set?.delete(resume) === true && set.size === 0) this.waiting.delete(identity);
  }

  private wake(identity: string): void {
    const set = this.waiting.get(identity);
    if (set === undefined || !this.hasRoom(identity)) return;
    this.waiting.delete(identity);
    for (const resume of set) resume();
  }
}
