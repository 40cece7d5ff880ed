import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FlowSnapshot } from './console-model';

/** A client that reads slower than this many buffered bytes is let go. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The flow page's live stream (server-sent events): one snapshot a second, computed once and
 * written to every open stream, so ten open pages cost what one does. Streams beyond
 * `maxStreams` are answered 503; a client that does not read is closed rather than buffered.
 */
export class FlowStream {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: { flow(): FlowSnapshot },
    private readonly maxStreams: number,
    private readonly intervalMs = 1000,
  ) {}

  open(request: IncomingMessage, response: ServerResponse, headers: OutgoingHttpHeaders): void {
    if (this.clients.size >= this.maxStreams) {
      response.writeHead(503, { ...headers, 'Retry-After': '5', 'Content-Type': 'text/plain' });
      response.end('too many open live streams\n');
      return;
    }
    response.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    if (request.method === 'HEAD') return void response.end();
    response.write(`retry: 2000\n${frame(this.source.flow())}`);
    this.clients.add(response);
    const forget = (): void => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.pause();
    };
    request.on('close', forget);
    response.on('close', forget);
    this.timer ??= setInterval(() => this.broadcast(), this.intervalMs);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    this.pause();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private broadcast(): void {
    if (this.clients.size === 0) return this.pause();
    const data = frame(this.source.flow());
    for (const client of this.clients) {
      if (client.writableLength > MAX_BUFFERED_BYTES) client.destroy();
      else client.write(data);
    }
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function frame(snapshot: FlowSnapshot): string {
  return `event: flow\ndata: ${JSON.stringify(snapshot)}\n\n`;
}
