import { open, type FileHandle } from 'node:fs/promises';
import { messageIdentity } from '../../../contract/message-identity';
import { IntelrouteError } from '../../../core/errors';
import type { Logger } from '../../../telemetry/logger';
import type { ReaderDelivery } from '../runtime/reader-types';
import { readFileTail } from './file-tail';
import { jsonLine } from './message-document';
import type { Sink } from './sink';

/** Where the file sink writes, and how much of the file it scans at open. */
export interface FileSinkOptions {
  readonly file: string;
  /** How much of the file's end is scanned at open for ids already written. */
  readonly tailScanBytes: number;
  readonly logger: Logger;
  /** Most ids remembered (tail + this run); the oldest are forgotten first. Default 100 000. */
  readonly maxRemembered?: number;
}

/**
 * Appends one JSON line per message to a file, fsynced before the runtime commits. Idempotent by
 * message id: a message handled but not committed before a crash is replayed on restart, and
 * the sink finds its id in the file's tail (scanned at open) and does not write it again. A last
 * line the crash cut short (no newline) is removed at open: its message was not committed and
 * comes again. Writes are serialised, so lines never interleave; lines arriving together share
 * one write and one fsync.
 */
export class FileSink implements Sink {
  readonly description: string;
  private handle: FileHandle | undefined;
  private readonly written = new Set<string>();
  private waiting: QueuedLine[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly options: FileSinkOptions) {
    this.description = `file:${options.file}`;
  }

  /** @throws IntelrouteError READER_OPTIONS_INVALID when the file cannot be opened for append. */
  async open(): Promise<void> {
    if (this.handle !== undefined) return;
    try {
      this.handle = await open(this.options.file, 'a+');
    } catch (cause) {
      throw new IntelrouteError('READER_OPTIONS_INVALID', `cannot open ${this.options.file}`, {
        cause,
      });
    }
    const tail = await readFileTail(this.handle, this.options.tailScanBytes);
    const { size } = await this.handle.stat();
    if (tail.completeLength < size) {
      await this.handle.truncate(tail.completeLength);
      await this.handle.sync();
      this.options.logger.warn(
        { file: this.options.file, removedBytes: size - tail.completeLength },
        'removed an unfinished last line left by a crash',
      );
    }
    for (const id of tail.identities) this.remember(id);
    this.options.logger.info(
      { file: this.options.file, idsInTail: tail.identities.length },
      'output file opened',
    );
  }

  /**
   * Appends the message's line and resolves once it is fsynced. Lines that arrive while a write
   * is under way (other partitions) are written and fsynced together with one write and one
   * fsync: each still resolves only once durable.
   */
  deliver(delivery: ReaderDelivery): Promise<void> {
    // Origin and id: another sender's message under the same id is another message.
    const id = messageIdentity(delivery.envelope);
    if (this.written.has(id)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, line: jsonLine(delivery), resolve, reject });
      this.kick();
    });
  }

  /** Starts the write loop unless it runs; a line queued as it ends starts it again. */
  private kick(): void {
    if (this.flushing !== undefined) return;
    this.flushing = this.writeWaiting().finally(() => {
      this.flushing = undefined;
      if (this.waiting.length > 0) this.kick();
    });
  }

  async close(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async writeWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      // Two copies of one id in the same group (a duplicate from another partition) write once.
      const group = this.waiting.splice(0);
      const fresh = group.filter(
        (q, i) => !this.written.has(q.id) && group.findIndex((o) => o.id === q.id) === i,
      );
      try {
        await this.append(fresh.map((q) => q.line).join(''));
        for (const q of fresh) this.remember(q.id);
        for (const q of group) q.resolve();
      } catch (error) {
        for (const q of group) q.reject(error);
      }
    }
  }

  private async append(text: string): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) {
      throw new IntelrouteError('READER_HANDLER_FAILED', 'the output file is closed');
    }
    if (text === '') return;
    try {
      await handle.appendFile(text);
      await handle.sync();
    } catch (cause) {
      throw new IntelrouteError('READER_HANDLER_FAILED', `writing ${this.options.file} failed`, {
        cause,
      });
    }
  }

  private remember(id: string): void {
    this.written.delete(id);
    this.written.add(id);
    const max = this.options.maxRemembered ?? 100_000;
    for (const oldest of this.written) {
      if (this.written.size <= max) break;
      this.written.delete(oldest);
    }
  }
}

interface QueuedLine {
  readonly id: string;
  readonly line: string;
  resolve(): void;
  reject(error: unknown): void;
}
