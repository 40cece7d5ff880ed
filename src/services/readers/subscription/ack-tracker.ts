import type { RecordLocation } from '../../../kafka/transactional-writer';

/** What an ack did. `commitOffset`: the partition's new next offset when its done prefix grew. */
export type AckResult<T> =
  | {
      readonly kind: 'acked';
      readonly location: RecordLocation;
      readonly data: T;
      readonly commitOffset?: string;
    }
  | { readonly kind: 'unknown' };

interface Entry<T> {
  readonly location: RecordLocation;
  readonly data: T | undefined;
  done: boolean;
}

/**
 * Per partition, the records read in read order, each delivered (waiting for an ack) or done
 * (acked, or skipped because the subscriber may not see it). Only the leading run of done
 * records may be committed: the commit offset is the last of them + 1. Offsets are not assumed
 * contiguous (transaction markers and aborted records take offsets that are never read), so the
 * prefix is counted in read order, not by offset + 1. Pure.
 */
export class AckTracker<T> {
  private readonly lines = new Map<string, Entry<T>[]>();
  private readonly pending = new Map<string, Entry<T>>();

  /** Deliveries not acked yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Registers a delivery and returns its id "<topic>/<partition>/<offset>". */
  delivered(location: RecordLocation, data: T): string {
    const id = deliveryIdOf(location);
    if (this.pending.has(id)) return id;
    const entry: Entry<T> = { location: { ...location }, data, done: false };
    this.lineOf(location).push(entry);
    this.pending.set(id, entry);
    return id;
  }

  /**
   * Registers a record the subscriber is not shown: done at once. Returns the new commit offset
   * when the partition's done prefix grew.
   */
  skipped(location: RecordLocation): string | undefined {
    const line = this.lineOf(location);
    line.push({ location: { ...location }, data: undefined, done: true });
    return advance(line);
  }

  /** Marks a delivery acked. `unknown` for an id never delivered, already acked, or reset. */
  ack(deliveryId: string): AckResult<T> {
    const entry = this.pending.get(deliveryId);
    if (entry === undefined) return { kind: 'unknown' };
    this.pending.delete(deliveryId);
    entry.done = true;
    const commitOffset = advance(this.lineOf(entry.location));
    const acked = { kind: 'acked' as const, location: entry.location, data: entry.data as T };
    return commitOffset === undefined ? acked : { ...acked, commitOffset };
  }

  /** Forgets everything (after a rebalance: kafkajs reads again from the committed offsets). */
  reset(): void {
    this.lines.clear();
    this.pending.clear();
  }

  private lineOf(location: RecordLocation): Entry<T>[] {
    const key = `${location.topic}/${location.partition}`;
    let line = this.lines.get(key);
    if (line === undefined) {
      line = [];
      this.lines.set(key, line);
    }
    return line;
  }
}

/** The delivery id of a record: "<topic>/<partition>/<offset>" (topic names have no "/"). */
export function deliveryIdOf(location: RecordLocation): string {
  return `${location.topic}/${location.partition}/${location.offset}`;
}

/** Drops the leading done entries; returns the offset after the last one dropped, if any. */
function advance<T>(line: Entry<T>[]): string | undefined {
  let last: Entry<T> | undefined;
  while (line.length > 0 && (line[0] as Entry<T>).done) last = line.shift();
  return last === undefined ? undefined : String(BigInt(last.location.offset) + 1n);
}
