import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '../telemetry/logger';

export interface WatchedDocumentOptions<T> {
  readonly file: string;
  /** Parses and validates the text; throws (listing every problem) when it is not acceptable. */
  readonly parse: (text: string) => T;
  readonly logger: Logger;
  /** Called after a successful reload with the old and new value. */
  readonly onChange?: (previous: T, next: T) => void;
  /** Called when a reload was rejected (the old value stays in force). */
  readonly onRejected?: (error: unknown) => void;
  readonly pollIntervalMs?: number;
}

/**
 * A configuration document (routing rules, grants) that takes effect without a restart: the file
 * is polled (robust to editors that replace files) and `reload()` can be called on SIGHUP. A file
 * that does not parse is rejected as a whole and the previous version stays in force.
 */
export class WatchedDocument<T> {
  private value: T;
  private watching = false;

  /** @throws whatever `parse` throws: at start-up a bad document stops the process. */
  constructor(private readonly options: WatchedDocumentOptions<T>) {
    this.value = options.parse(readFileSync(options.file, 'utf8'));
  }

  get current(): T {
    return this.value;
  }

  watch(): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(
      this.options.file,
      { interval: this.options.pollIntervalMs ?? 1000, persistent: false },
      (now, before) => {
        if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) this.reload();
      },
    );
  }

  /** Re-reads the file now; returns true when the new version took effect. */
  reload(): boolean {
    const { file, parse, logger } = this.options;
    let next: T;
    try {
      next = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      logger.error(
        { file, err: error instanceof Error ? error.message : String(error) },
        'reload rejected; previous version kept',
      );
      this.options.onRejected?.(error);
      return false;
    }
    const previous = this.value;
    this.value = next;
    logger.info({ file }, 'reloaded');
    this.options.onChange?.(previous, next);
    return true;
  }

  close(): void {
    if (!this.watching) return;
    this.watching = false;
    unwatchFile(this.options.file);
  }
}
