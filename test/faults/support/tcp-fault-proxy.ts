import net from 'node:net';

/** What the proxy does to traffic now. */
export type ProxyMode =
  | { readonly kind: 'forward' }
  /** Every chunk is held this long in each direction before it is passed on. */
  | { readonly kind: 'latency'; readonly delayMs: number }
  /**
   * Nothing is forwarded either way, sockets stay open and new connections are accepted and
   * held (a network partition, or a peer whose host froze): bytes wait, as TCP would keep them
   * for retransmission, and flow on when the mode returns to forward or latency.
   */
  | { readonly kind: 'half-open' };

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
}

/**
 * A TCP proxy on 127.0.0.1 between a Kafka client and one broker listener, to inject network
 * faults: latency, a cut of every connection (RST, as `socket.destroy()` after `resetAndDestroy`
 * sends it), or a half-open state (see ProxyMode). Traffic goes to 127.0.0.1 only.
 */
export class TcpFaultProxy {
  private readonly pairs = new Set<Pair>();
  private mode: ProxyMode = { kind: 'forward' };
  private target: { host: string; port: number } | undefined;
  private accepted = 0;
  private cuts = 0;

  private constructor(private readonly server: net.Server) {}

  /** Listens on a free loopback port; set the upstream with `forwardTo` before traffic comes. */
  static async start(): Promise<TcpFaultProxy> {
    const server = net.createServer({ pauseOnConnect: true });
    const proxy = new TcpFaultProxy(server);
    server.on('connection', (socket) => proxy.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  /** `127.0.0.1:port`, where clients connect. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Connections accepted so far, and cuts made. */
  get stats(): { accepted: number; open: number; cuts: number } {
    return { accepted: this.accepted, open: this.pairs.size, cuts: this.cuts };
  }

  /** The upstream `127.0.0.1:port` (loopback only). */
  forwardTo(address: string): void {
    const [host, port] = address.split(':');
    if (host !== '127.0.0.1' || port === undefined) {
      throw new Error(`the fault proxy forwards to 127.0.0.1 only, not ${address}`);
    }
    this.target = { host, port: Number(port) };
  }

  /** Forward again at full speed (releases what half-open held). */
  heal(): void {
    this.setMode({ kind: 'forward' });
  }

  addLatency(delayMs: number): void {
    this.setMode({ kind: 'latency', delayMs });
  }

  halfOpen(): void {
    this.setMode({ kind: 'half-open' });
  }

  /** Resets every open connection (RST to both sides); new connections are still accepted. */
  cutAll(): number {
    const open = [...this.pairs];
    for (const pair of open) this.drop(pair);
    this.cuts += 1;
    return open.length;
  }

  /** Closes the listener and resets every connection. Idempotent. */
  async stop(): Promise<void> {
    for (const pair of [...this.pairs]) this.drop(pair);
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private setMode(mode: ProxyMode): void {
    this.mode = mode;
    for (const { client, upstream } of this.pairs) {
      for (const socket of [client, upstream]) {
        if (mode.kind === 'half-open') socket.pause();
        else socket.resume();
      }
    }
  }

  private accept(client: net.Socket): void {
    this.accepted += 1;
    const target = this.target;
    if (target === undefined) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.pause();
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    this.pipe(client, upstream, pair);
    this.pipe(upstream, client, pair);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => this.drop(pair));
      socket.on('close', () => this.drop(pair));
    }
    upstream.once('connect', () => {
      if (this.mode.kind !== 'half-open' && this.pairs.has(pair)) {
        client.resume();
        upstream.resume();
      }
    });
  }

  /**
   * Copies `from` to `to`, each chunk held for the latency in force when it arrived. Chunks leave
   * in arrival order even when the latency drops meanwhile (a reordered byte stream would be a
   * fault no network makes).
   */
  private pipe(from: net.Socket, to: net.Socket, pair: Pair): void {
    const queue: Array<{ chunk: Buffer; dueAtMs: number }> = [];
    let timer: NodeJS.Timeout | undefined;
    const release = (): void => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && (queue[0]?.dueAtMs ?? 0) <= now) {
        const { chunk } = queue.shift() as { chunk: Buffer };
        if (this.pairs.has(pair) && !to.destroyed) to.write(chunk);
      }
      const head = queue[0];
      if (head !== undefined) timer = setTimeout(release, head.dueAtMs - now);
    };
    from.on('data', (chunk: Buffer) => {
      const delayMs = this.mode.kind === 'latency' ? this.mode.delayMs : 0;
      queue.push({ chunk, dueAtMs: Date.now() + delayMs });
      if (timer === undefined) release();
    });
    from.on('end', () => {
      const finish = (): void => {
        if (queue.length > 0) setTimeout(finish, 10);
        else if (this.pairs.has(pair)) to.end();
      };
      finish();
    });
    from.on('close', () => clearTimeout(timer));
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    for (const socket of [pair.client, pair.upstream]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
  }
}
