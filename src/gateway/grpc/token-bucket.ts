/**
 * Per-identity rate limiting: each identity has a bucket of `burst` tokens refilled at
 * `perSecond`; a message takes one. Pure: the clock is passed in. Buckets of identities idle for
 * long are forgotten so the map stays small.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes a token for `identity`; returns 0 when granted, else ms until one is available. */
  take(identity: string, nowMs: number): number {
    const bucket = this.buckets.get(identity) ?? { tokens: this.burst, atMs: nowMs };
    const refilled = Math.min(
      this.burst,
      bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.perSecond,
    );
    if (refilled >= 1) {
      this.buckets.set(identity, { tokens: refilled - 1, atMs: nowMs });
      this.sweep(nowMs);
      return 0;
    }
    this.buckets.set(identity, { tokens: refilled, atMs: nowMs });
    return Math.ceil(((1 - refilled) / this.perSecond) * 1000);
  }

  /** Drops full buckets (an identity idle long enough to refill is the same as a new one). */
  private sweep(nowMs: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [identity, bucket] of this.buckets) {
      if (bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.perSecond >= this.burst) {
        this.buckets.delete(identity);
      }
    }
  }
}
