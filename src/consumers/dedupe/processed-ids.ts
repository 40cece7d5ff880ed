import { readTopicToEnd, type TopicReaderDeps } from '../../kafka/topic-reader';
import type { Logger } from '../../telemetry/logger';
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
    for (const mark of marks) this.window.add(mark.messageId, mark.processedAtMs, now);
    this.options.logger.info(
      { marks: marks.length, remembered: this.window.size, ms: now - started },
      'processed message ids loaded',
    );
  }

  /**
   * True when the group already processed `messageId` within the window, or this process
   * handled it and its commit is pending.
   */
  seen(messageId: string): boolean {
    return this.pending.has(messageId) || this.window.has(messageId, this.now());
  }

  /** The handler succeeded for `messageId`; its processed mark is not committed yet. */
  handled(messageId: string): void {
    this.pending.add(messageId);
  }

  /** The commit of these handled ids succeeded at `atMs` (each with its own time). */
  committed(marks: ReadonlyArray<{ readonly messageId: string; readonly atMs: number }>): void {
    const now = this.now();
    for (const { messageId, atMs } of marks) {
      this.pending.delete(messageId);
      this.window.add(messageId, atMs, now);
    }
  }

  /** The reader stopped before committing these: they will be read (and handled) again. */
  abandoned(messageIds: readonly string[]): void {
    for (const messageId of messageIds) this.pending.delete(messageId);
  }

  /**
   * Waits until no other partition of this process is handling `messageId`, then holds it;
   * the returned function releases it (call it in a finally).
   */
  async claim(messageId: string): Promise<() => void> {
    for (let held = this.claims.get(messageId); held !== undefined;) {
      await held;
      held = this.claims.get(messageId);
    }
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.claims.set(messageId, held);
    return () => {
      this.claims.delete(messageId);
      release();
    };
  }
}
