import type { OutboundRecord } from '../record-format';

/**
 * What one input partition handled since its last commit: the latest state of every key that
 * changed (one changelog record per key, the last state wins) and the offset to resume from.
 */
export class PendingChangelog<S> {
  private dirty = new Map<string, S>();
  private next: string | undefined;
  private handled = 0;

  constructor(
    private readonly changelogTopic: string,
    private readonly encode: (state: S) => Buffer,
  ) {}

  /** The key's state changed while handling the current record. */
  put(key: string, state: S): void {
    this.dirty.set(key, state);
  }

  /** The record at `offset` is handled (whether or not it changed a state). */
  advance(offset: string): void {
    this.next = String(BigInt(offset) + 1n);
    this.handled += 1;
  }

  /** Records handled since the last take. */
  get size(): number {
    return this.handled;
  }

  /** The changelog records and the next offset to commit, or undefined when nothing waits. */
  take(): { records: OutboundRecord[]; nextOffset: string } | undefined {
    if (this.next === undefined) return undefined;
    const records = [...this.dirty].map(([key, state]) => ({
      topic: this.changelogTopic,
      key: Buffer.from(key, 'utf8'),
      value: this.encode(state),
      headers: { 'content-type': 'application/json' },
    }));
    const taken = { records, nextOffset: this.next };
    this.dirty = new Map();
    this.next = undefined;
    this.handled = 0;
    return taken;
  }
}
