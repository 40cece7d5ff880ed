import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { createGatewayClient, PublishRefusedError, type GatewayClient } from '../../src/client';
import { loadConfig } from '../../src/config';
import { killStartedClis } from '../helpers/cli';
import { RssSampler, startChildGateway, type ChildGateway } from './support/child-gateway';
import {
  collectServerFrames,
  connectTls,
  EMPTY_SETTINGS,
  Flag,
  frame,
  frameHeader,
  FrameType,
  grpcMessage,
  grpcRequestHeaderBlock,
  hpackLiterals,
  PREFACE,
  readClientPem,
  type ClientPem,
} from './support/h2-frames';
import { connectH2, openGrpcStream, PUBLISH_PATH, wireStatus } from './support/grpc-wire';
import { ncbEnvelope, percentile, report, timed } from './support/senders';

jest.setTimeout(60_000);

/** The child runs with the shipped defaults: these are its limits. */
const LIMITS = loadConfig({ env: {} }).gateway;

/**
 * Hostile transport on the gateway's port, from a peer holding a valid client certificate (so
 * TLS lets it through to HTTP/2 and gRPC): broken frames, oversize and compressed-bomb
 * messages, ping floods. After each attack the gateway process is alive and serves another
 * identity, and its memory stays bounded. The gateway runs as a child process (the compiled
 * CLI), so its RSS is its own.
 */
describe('HTTP/2 and gRPC framing abuse against the gateway (child process, mTLS)', () => {
  let gw: ChildGateway;
  let attacker: ClientPem;
  let control: GatewayClient;
  let baselineMiB: number;

  beforeAll(async () => {
    gw = await startChildGateway();
    attacker = readClientPem(await gw.certs.client('urn:intelroute:ncb:BE'));
    const files = await gw.certs.client('urn:intelroute:ncb:IT');
    control = createGatewayClient({
      address: gw.address,
      tls: { ...files, serverName: 'localhost' },
      retry: false,
    });
    await control.publish(ncbEnvelope('IT')); // warm: Kafka transaction, JIT
    baselineMiB = gw.rssMiB();
  });

  afterAll(async () => {
    control?.close();
    const code = await gw?.stop();
    await killStartedClis();
    expect(code).toBe(0); // it was never killed by an attack, and still shuts down cleanly
  });

  /** The gateway process is alive and acknowledges another identity's message. */
  async function expectServing(): Promise<number> {
    expect(gw.alive()).toBe(true);
    const { value, ms } = await timed(() => control.publish(ncbEnvelope('IT')));
    expect(value.records.length).toBeGreaterThan(0);
    return ms;
  }

  const start = (): Buffer => Buffer.concat([PREFACE, EMPTY_SETTINGS]);
  const publishHeaders = grpcRequestHeaderBlock(PUBLISH_PATH);

  // Measured with Node 20.20 / grpc-js 1.14.7 (nghttp2 inside Node): every case below got its
  // GOAWAY within 2–14 ms, rapid reset within 330–850 ms; RSS moved by +0.0 to +2.1 MiB.
  it.each<[string, () => Buffer[], string | undefined]>([
    ['random bytes after a valid preface', () => [PREFACE, randomBytes(4096)], undefined],
    [
      'an HTTP/1.1 request on an h2 connection',
      () => [Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')],
      undefined,
    ],
    [
      'a DATA frame announcing 16 MiB (over SETTINGS_MAX_FRAME_SIZE)',
      () => [start(), frameHeader(FrameType.DATA, 0, 1, (1 << 24) - 1), Buffer.alloc(1024)],
      'FRAME_SIZE_ERROR',
    ],
    [
      'a HEADERS block that is not valid HPACK',
      () => [
        start(),
        frame(FrameType.HEADERS, Flag.END_HEADERS, 1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])),
      ],
      'COMPRESSION_ERROR',
    ],
    [
      'a DATA frame on stream 0',
      () => [start(), frame(FrameType.DATA, 0, 0, Buffer.from('x'))],
      'PROTOCOL_ERROR',
    ],
    [
      'a WINDOW_UPDATE overflowing the connection window',
      () => [start(), frame(FrameType.WINDOW_UPDATE, 0, 0, Buffer.from([0x7f, 0xff, 0xff, 0xff]))],
      undefined,
    ],
    [
      'a CONTINUATION flood (5,000 frames, 5 MB of headers, never END_HEADERS)',
      () => {
        const pad = frame(
          FrameType.CONTINUATION,
          0,
          1,
          hpackLiterals([['x-pad', 'a'.repeat(1000)]]),
        );
        return [
          start(),
          frame(FrameType.HEADERS, 0, 1, publishHeaders),
          ...Array<Buffer>(5000).fill(pad),
        ];
      },
      undefined,
    ],
    [
      'rapid reset: 20,000 streams opened and reset at once (CVE-2023-44487)',
      () => [
        start(),
        ...Array.from({ length: 20_000 }, (_, i) => [
          frame(FrameType.HEADERS, Flag.END_HEADERS, 1 + 2 * i, publishHeaders),
          frame(FrameType.RST_STREAM, 0, 1 + 2 * i, Buffer.from([0, 0, 0, 8])),
        ]).flat(),
      ],
      undefined,
    ],
  ])('ends the connection on %s and keeps serving', async (attack, build, expectedCode) => {
    const before = gw.rssMiB();
    const socket = await connectTls(gw.port, attacker);
    const frames = collectServerFrames(socket, { timeoutMs: 5000, untilGoaway: true });
    socket.write(Buffer.concat(build()));
    const seen = await frames;
    if (expectedCode !== undefined) {
      expect(seen.goaway).toBe(expectedCode);
      expect(seen.goawayMs).toBeLessThan(2000);
    } else {
      // Some cases end with GOAWAY INTERNAL_ERROR, some with the socket reset mid-write.
      expect(seen.goaway !== undefined || seen.closed).toBe(true);
      expect(seen.goawayMs ?? seen.ms).toBeLessThan(2000);
    }
    await expectServing();
    const grew = gw.rssMiB() - before;
    report(
      `${attack}: GOAWAY ${seen.goaway ?? '-'} after ${seen.goawayMs ?? '-'} ms, closed=${String(seen.closed)} after ${seen.ms} ms, RSS ${grew >= 0 ? '+' : ''}${grew.toFixed(1)} MiB`,
    );
    expect(grew).toBeLessThan(32);
  });

  it('resets a stream with malformed gRPC headers (no :path) without dropping the connection', async () => {
    const socket = await connectTls(gw.port, attacker);
    const frames = collectServerFrames(socket, { timeoutMs: 1000 });
    const headers = hpackLiterals([
      [':method', 'POST'],
      [':scheme', 'https'],
      [':authority', 'localhost'],
    ]);
    socket.write(
      Buffer.concat([
        start(),
        frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, headers),
      ]),
    );
    const seen = await frames;
    expect(seen.resets).toEqual(['PROTOCOL_ERROR']);
    expect(seen.goaway).toBeUndefined();
    await expectServing();
  });

  it('refuses a PublishRequest over maxReceiveMessageBytes with RESOURCE_EXHAUSTED from grpc-js, and keeps serving', async () => {
    const files = await gw.certs.client('urn:intelroute:ncb:BE');
    const client = createGatewayClient({
      address: gw.address,
      tls: { ...files, serverName: 'localhost' },
      retry: false,
    });
    const envelope = ncbEnvelope('BE', 'seizure-report', {
      payload: Buffer.alloc(LIMITS.maxReceiveMessageBytes + 1, 0x20),
    });
    const error = await client.publish(envelope).then(
      () => undefined,
      (e: unknown) => e,
    );
    client.close();
    expect(error).toBeInstanceOf(PublishRefusedError);
    const { refusal } = error as PublishRefusedError;
    // grpc-js refuses it while decoding, before any handler: no reason code, no dead letter.
    expect(refusal).toMatchObject({ codeName: 'RESOURCE_EXHAUSTED', reason: '' });
    expect(refusal.message).toMatch(/Received message larger than max/);
    await expectServing();
  });

  it('refuses at once a gRPC message whose length prefix announces 4 GiB, buffering nothing', async () => {
    const session = await connectH2(gw.port, attacker);
    const stream = openGrpcStream(session, PUBLISH_PATH);
    const status = wireStatus(stream, 5000);
    const prefix = Buffer.from([0, 0xff, 0xff, 0xff, 0xff]); // uncompressed, 4,294,967,295 bytes
    const { value, ms } = await timed(async () => {
      stream.write(Buffer.concat([prefix, Buffer.alloc(1024)]));
      return status;
    });
    session.close();
    report(
      `4 GiB length prefix: status ${value.code} "${value.message}" after ${ms.toFixed(1)} ms`,
    );
    expect(value).toMatchObject({ code: 8 /* RESOURCE_EXHAUSTED */, responseBytes: 0 });
    expect(value.message).toMatch(/larger than max/);
    // Measured: ~3 ms. The decoder reads the 5-byte prefix and stops there.
    expect(ms).toBeLessThan(1000);
    await expectServing();
  });

  it('stops inflating a gzip message at maxReceiveMessageBytes (a 256 MiB compression bomb)', async () => {
    const bomb = await gzipZeros(256 * 1024 * 1024); // ~256 KB on the wire
    const session = await connectH2(gw.port, attacker);
    const stream = openGrpcStream(session, PUBLISH_PATH, { 'grpc-encoding': 'gzip' });
    const status = wireStatus(stream, 10_000);
    const sampler = new RssSampler(gw.pid, 20);
    stream.end(grpcMessage(bomb, true));
    const result = await status;
    const peak = sampler.stop();
    session.close();
    report(
      `gzip bomb: ${(bomb.length / 1024).toFixed(0)} KiB inflating to 256 MiB: status ${result.code}; ` +
        `peak RSS ${peak.toFixed(0)} MiB (baseline ${baselineMiB.toFixed(0)})`,
    );
    expect(result.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(result.message).toMatch(/decompresses to a size larger than/);
    // Measured: 255 KiB on the wire, refused; peak RSS +10 MiB over the baseline: grpc-js checks
    // the size after each inflated chunk (16 KiB), so it never holds more than the limit.
    expect(peak - baselineMiB).toBeLessThan(64);
    await expectServing();
  });

  it('survives ping floods and keeps serving others (Node answers each PING; nghttp2 drops a peer whose ACKs pile up)', async () => {
    const sampler = new RssSampler(gw.pid, 20);
    // 1) 20,000 pings, at most 100 unanswered at a time: all answered. grpc-js enforces no ping
    //    policy of its own (no GOAWAY "too_many_pings" as gRPC C-core or grpc-go would send).
    const steady = await connectH2(gw.port, attacker, { maxOutstandingPings: 100 });
    const latencies: number[] = [];
    const serving = (async () => {
      for (let i = 0; i < 10; i++) latencies.push(await expectServing());
    })();
    const { value: steadyAcked, ms: steadyMs } = await timed(() =>
      pingWindowed(steady, 20_000, 100),
    );
    await serving;
    steady.close();

    // 2) ping() in a tight loop, 20,000 without waiting: the server drops the session.
    const burst = await connectH2(gw.port, attacker, { maxOutstandingPings: 50_000 });
    const burstClosed = new Promise<boolean>((resolve) => burst.once('close', () => resolve(true)));
    const burstAcked = (
      await Promise.all(
        Array.from(
          { length: 20_000 },
          () =>
            new Promise<boolean>((resolve) => {
              if (!burst.ping((error) => resolve(error === null))) resolve(false);
            }),
        ),
      )
    ).filter(Boolean).length;
    const burstEnded = await Promise.race([
      burstClosed,
      sleep(5000, undefined, { ref: false }).then(() => false),
    ]);
    burst.destroy();

    // 3) A raw peer writing 100,000 PINGs (1.7 MB) without reading a single ACK.
    const socket = await connectTls(gw.port, attacker);
    socket.pause();
    const frames = collectServerFrames(socket, { timeoutMs: 10_000 });
    const ping = frame(FrameType.PING, 0, 0, Buffer.alloc(8));
    socket.write(Buffer.concat([start(), ...Array<Buffer>(100_000).fill(ping)]));
    setTimeout(() => socket.resume(), 2000);
    const unread = await frames;
    const peak = sampler.stop();
    report(
      `ping floods: windowed ${steadyAcked}/20000 acked in ${steadyMs.toFixed(0)} ms, control publish ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms max ${Math.max(...latencies).toFixed(1)} ms; ` +
        `tight loop ${burstAcked}/20000 acked, session ended=${String(burstEnded)}; ` +
        `unread ${unread.pingAcks} ACKs then closed=${String(unread.closed)}; ` +
        `peak RSS ${peak.toFixed(0)} MiB (baseline ${baselineMiB.toFixed(0)})`,
    );
    expect(steadyAcked).toBe(20_000);
    // nghttp2 (inside Node) ends a session whose queue of unsent ACKs passes 1,000 frames. How
    // many ACKs leave before the queue gets there is a race between the client's writes and the
    // server's socket (961 and 2,889 of 20,000 measured in full runs): what holds is that the
    // flood is not answered in full and the session ends. The raw peer reads nothing, so its
    // count is the queue's bound itself.
    expect(burstAcked).toBeLessThan(20_000);
    expect(burstEnded).toBe(true);
    expect(unread).toMatchObject({ closed: true });
    expect(unread.pingAcks).toBeLessThan(2000);
    // Measured: control publishes p50 13–38 ms, max 19–320 ms during the floods; peak RSS
    // +10–14 MiB; 20,000 windowed pings answered in 0.2–0.4 s.
    expect(Math.max(...latencies)).toBeLessThan(2000);
    expect(peak - baselineMiB).toBeLessThan(64);
    await expectServing();
  });
});

/** Sends `count` pings with at most `window` unanswered; resolves with how many were acked. */
async function pingWindowed(
  session: http2.ClientHttp2Session,
  count: number,
  window: number,
): Promise<number> {
  let acked = 0;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      if (
        !session.ping((error) => {
          if (error === null) acked += 1;
          resolve();
        })
      ) {
        resolve();
      }
    });
  for (let sent = 0; sent < count; sent += window) {
    await Promise.all(Array.from({ length: Math.min(window, count - sent) }, one));
  }
  return acked;
}

/** gzip of `size` zero bytes, streamed in 1 MiB chunks (the input is never held at once). */
async function gzipZeros(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const chunk = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < size; written += chunk.length) {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(gzip, 'end');
  return Buffer.concat(chunks);
}
