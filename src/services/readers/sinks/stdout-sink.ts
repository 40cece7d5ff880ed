import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ReaderDelivery } from '../runtime/reader-types';
import { jsonLine } from './message-document';
import type { Sink } from './sink';

/**
 * JSON Lines on a stream (stdout by default). Not idempotent: a message replayed after a crash
 * (handled, not yet committed) is printed again; use the file sink when that matters. Waits for
 * 'drain' when the stream's buffer is full, so a slow pipe slows the reader down.
 */
export class StreamSink implements Sink {
  readonly description: string;

  constructor(private readonly stream: Writable = process.stdout) {
    this.description = stream === process.stdout ? 'stdout' : 'stream';
  }

  async open(): Promise<void> {}

  async deliver(delivery: ReaderDelivery): Promise<void> {
    if (!this.stream.write(jsonLine(delivery))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {}
}
