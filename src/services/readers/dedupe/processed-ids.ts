import { readTopicToEnd, type TopicReaderDeps } from '../../../kafka/topic-reader';
import type { Logger } from '../../../telemetry/logger';
import { DedupeWindow } from './dedupe-window';
import { parseProcessedMark } from './processed-record';

/** Where a group's processed marks are, and how many to remember for how long. */
export interface ProcessedIdsOptions {
  readonly reader: TopicReaderDeps;
  /** The processed topic, prefix applied. */
  readonly topic: string;
  readonly group: string;
  readonly windowMs: number;
  readonly maxEntries: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * A reader group's memory of processed message ids: a DedupeWindow filled from the processed
 * topic (`load`, again after every group rebalance, so partitions taken over from another member
 * come with that member's marks) and kept current by the reader's own commits: an id is
 * `handled` (pending) from the handler's success until its commit, then `committed`.
 * `claim` serialises the handling of one id across partitions of this process (the same message
 * can sit in a country inbox and in the broadcast topic).
 */
export class ProcessedIds {
  private readonly window: DedupeWindow;
  private readonly claims = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: ProcessedIdsOptions) {
    this.window = new DedupeWindow(options.windowMs, options.maxEntries);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.window.size;
  }

  /**
   * Reads the processed topic to its current end and remembers this group's marks, oldest first.
   * @throws IntelrouteError from readTopicToEnd (KAFKA_TOPIC_MISSING, KAFKA_TIMEOUT, ...).
   */
  async load(): Promise<void> {
    const started = this.now();
    const records = await readTopicToEnd(this.options.reader, this.options.topic);
    const marks = records
      .map((record) => parseProcessedMark(this.options.group, record.key, record.value))
      .filter((mark) => mark !== undefined)
      .sort((a, b) => a.processedAtMs - b.processedAtMs);
    const now = this.now();
    for (const mark of marks) this.window.add(mark.identity, mark.processedAtMs, now);
    this.options.logger.info(
      { marks: marks.length, remembered: this.window.size, ms: now - started },
      'processed message ids loaded',
    );
  }

  /**
   * True when the group already processed the message `identity` (messageIdentity: origin and
   * id) within the window, or this process handled it and its commit is pending.
   */
  seen(identity: string): boolean {
    return this.pending.has(identity) || this.window.has(identity, this.now());
  }

  /** The handler succeeded for `identity`; its processed mark is not committed yet. */
  handled(identity: string): void {
    this.pending.add(identity);
  }

  /** The commit of these handled messages succeeded at `atMs` (each with its own time). */
  committed(marks: ReadonlyArray<{ readonly identity: string; readonly atMs: number }>): void {
    const now = this.now();
    for (const { identity, atMs } of marks) {
      this.pending.delete(identity);
      this.window.add(identity, atMs, now);
    }
  }

  /** The reader stopped before committing these: they will be read (and handled) again. */
  abandoned(identities: readonly string[]): void {
    for (const identity of identities) this.pending.delete(identity);
  }

  /**
   * Waits until no other partition of this process is handling the message `identity`, then
   * holds it; the returned function releases it (call it in a finally).
   */
  async claim(identity: string): Promise<() => void> {
    for (let held = this.claims.get(identity); held !== undefined;) {
      await held;
      held = this.claims.get(identity);
    }
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.claims.set(identity, held);
    return () => {
      this.claims.delete(identity);
      release();
    };
  }
}
