import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Ledger } from './support/ledger';
import { TcpFaultProxy } from './support/tcp-fault-proxy';

/** The fault suite's own instruments: a ledger that misses nothing, a proxy that does its faults. */
describe('the fault ledger', () => {
  it('counts lost, repeated, ambiguous and foreign ids, and prints the line the README quotes', () => {
    const ledger = new Ledger('self-check');
    for (const id of ['a', 'b', 'c', 'd']) ledger.sent(id);
    ledger.acked('a');
    ledger.acked('b');
    ledger.refused('c', 'UNAVAILABLE');
    ledger.refused('d', 'DEADLINE_EXCEEDED');
    for (const id of ['a', 'a', 'c', 'x']) ledger.read(id);
    expect(ledger.lostIds()).toEqual(['b']);
    expect(ledger.duplicateIds()).toEqual(['a']);
    expect(ledger.ambiguousIds()).toEqual(['c']);
    expect(ledger.foreignIds()).toEqual(['x']);
    expect(ledger.line()).toMatch(
      /^\[fault\] self-check: acked=2 read=3 duplicates=1 ambiguous=1 lost=1 \(sent=4 refused=2 /,
    );
    expect(() => ledger.acked('never-sent')).toThrow();
  });
});

describe('the TCP fault proxy', () => {
  let echo: net.Server;
  let proxy: TcpFaultProxy;

  beforeAll(async () => {
    echo = net.createServer((socket) => {
      socket.on('error', () => undefined); // the proxy's cuts reset this side too
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await TcpFaultProxy.start();
    proxy.forwardTo(`127.0.0.1:${(echo.address() as net.AddressInfo).port}`);
  });
  afterAll(async () => {
    await proxy.stop();
    await new Promise((resolve) => echo.close(resolve));
  });

  async function connect(): Promise<{ socket: net.Socket; received: () => string }> {
    const socket = net.connect(proxy.port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    return { socket, received: () => text };
  }

  /**
   * Waits until `received()` is `expected` (at most 5 s): forwarding takes a few ms, or much more
   * when the machine is busy with other test files; a fixed sleep made this test fail under load.
   */
  async function arrives(received: () => string, expected: string): Promise<string> {
    const deadline = Date.now() + 5000;
    while (received() !== expected && Date.now() < deadline) await sleep(10);
    return received();
  }

  it('forwards, delays by the latency set, holds while half-open and releases on heal', async () => {
    const { socket, received } = await connect();
    socket.write('one');
    expect(await arrives(received, 'one')).toBe('one');

    proxy.addLatency(300);
    socket.write('two');
    await sleep(150);
    expect(received()).toBe('one'); // still held (300 ms each way)
    expect(await arrives(received, 'onetwo')).toBe('onetwo');

    proxy.halfOpen();
    socket.write('three');
    await sleep(300);
    expect(received()).toBe('onetwo');
    expect(socket.destroyed).toBe(false); // the connection stays open
    proxy.heal();
    expect(await arrives(received, 'onetwothree')).toBe('onetwothree');
    socket.destroy();
  });

  it('cuts every connection with a reset, and takes new ones afterwards', async () => {
    const { socket } = await connect();
    const closed = new Promise<boolean>((resolve) => socket.once('close', resolve));
    await sleep(50);
    expect(proxy.cutAll()).toBeGreaterThanOrEqual(1);
    expect(await closed).toBe(true); // closed with an error: ECONNRESET
    const again = await connect();
    again.socket.write('four');
    expect(await arrives(again.received, 'four')).toBe('four');
    again.socket.destroy();
  });
});
