/**
 * The message ids a reader processed within the last `windowMs`, at most `maxEntries` of them;
 * the oldest go first. Insertion order is processing order (a loaded topic is inserted sorted by
 * time), so expiry and eviction both take from the front of the Map. Pure: the clock is passed
 * in.
 */
export class DedupeWindow {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** True when `messageId` was processed within the window before `nowMs`. */
  has(messageId: string, nowMs: number): boolean {
    const at = this.entries.get(messageId);
    if (at === undefined) return false;
    if (at + this.windowMs <= nowMs) {
      this.entries.delete(messageId);
      return false;
    }
    return true;
  }

  /**
   * Remembers that `messageId` was processed at `atMs` (a later add moves it to the newest end),
   * then drops what expired or exceeds `maxEntries`.
   */
  add(messageId: string, atMs: number, nowMs: number): void {
    if (atMs + this.windowMs <= nowMs) return;
    this.entries.delete(messageId);
    this.entries.set(messageId, atMs);
    this.evict(nowMs);
  }

  private evict(nowMs: number): void {
    for (const [messageId, at] of this.entries) {
      const expired = at + this.windowMs <= nowMs;
      if (!expired && this.entries.size <= this.maxEntries) return;
      this.entries.delete(messageId);
    }
  }
}
