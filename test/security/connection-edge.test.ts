import * as grpc from '@grpc/grpc-js';
import type http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGatewayClient, type GatewayClient } from '../../src/client';
import { killStartedClis } from '../helpers/cli';
import { eventually } from '../helpers/eventually';
import { healthStatus } from '../helpers/health';
import { abortConnections } from './support/aborted-connections';
import { startChildGateway, type ChildGateway } from './support/child-gateway';
import { connectH2 } from './support/grpc-wire';
import { H2_ERROR_NAMES, readClientPem, type ClientPem } from './support/h2-frames';
import { ncbEnvelope, report } from './support/senders';

jest.setTimeout(120_000);

/** A client of `gw` with `urn`'s certificate (127.0.0.1), closed by the caller. */
async function clientOf(gw: ChildGateway, urn: string): Promise<GatewayClient> {
  const files = await gw.certs.client(urn);
  return createGatewayClient({
    address: gw.address,
    tls: { ...files, serverName: 'localhost' },
    retry: false,
  });
}

/** A TLS connection from `localAddress` that completes its handshake and then stays open. */
function openTls(port: number, pem: ClientPem, localAddress: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const raw = net.connect({ host: '127.0.0.1', port, localAddress });
    raw.on('error', () => undefined);
    const socket = tls.connect({
      socket: raw,
      servername: 'localhost',
      ALPNProtocols: ['h2'],
      ca: pem.ca,
      cert: pem.cert,
      key: pem.key,
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Publishes as `client` until `until` settles; counts acks and failures. */
async function publishDuring(
  client: GatewayClient,
  country: string,
  until: Promise<unknown>,
): Promise<{ acked: number; failed: string[] }> {
  let done = false;
  void until.finally(() => (done = true));
  const tally = { acked: 0, failed: [] as string[] };
  while (!done) {
    try {
      await client.publish(ncbEnvelope(country));
      tally.acked += 1;
    } catch (error) {
      tally.failed.push(String(error));
    }
  }
  return tally;
}

/**
 * The connection edge of a gateway (child process, mTLS, defaults unless said), attacked by a
 * national system holding a valid certificate: aborted HTTP/2 connections, too many
 * connections from one address or one certificate, TCP connections that never start TLS. The
 * gateway frees what each leaves behind and keeps serving other senders throughout.
 */
describe('connection edge: one client with a valid certificate cannot exhaust the gateway', () => {
  afterAll(() => killStartedClis());

  describe('aborted HTTP/2 connections (limits raised so that only the session watchdog acts)', () => {
    let gw: ChildGateway;
    let control: GatewayClient;

    beforeAll(async () => {
      gw = await startChildGateway({
        config: {
          maxConnectionsPerAddress: 100_000,
          maxConnectionsPerIdentity: 100_000,
          http2SettingsTimeoutMs: 2000,
        },
      });
      control = await clientOf(gw, 'urn:intelroute:ncb:IT');
      await control.publish(ncbEnvelope('IT')); // warm: connection, Kafka transaction
    });
    afterAll(async () => {
      control?.close();
      expect(await gw?.stop()).toBe(0);
    });

    it('frees every descriptor of 2,000 aborted connections, and another identity publishes throughout', async () => {
      const baseline = gw.descriptorCount();
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, gw.descriptorCount())), 100);
      const attacker = readClientPem(await gw.certs.client('urn:intelroute:ncb:BE'));
      const flood = abortConnections({
        port: gw.port,
        pem: attacker,
        count: 2000,
        localAddress: '127.0.0.2',
      });
      const [attack, publishing] = await Promise.all([flood, publishDuring(control, 'IT', flood)]);
      const afterFlood = gw.descriptorCount();
      // Ghost sessions go once their SETTINGS wait (2 s here) passes; then the count stays put.
      await eventually(
        async () => gw.descriptorCount(),
        (count) => count <= baseline + 20,
        { timeoutMs: 30_000, intervalMs: 250 },
      ).catch(() => undefined);
      await sleep(4000);
      const settled = gw.descriptorCount();
      clearInterval(sampler);
      report(
        `aborted connections: ${attack.completed} of 2000 completed TLS; descriptors ${baseline} before, ` +
          `${afterFlood} right after (peak ${peak}), ${settled} settled; control identity ${publishing.acked} acked, ` +
          `${publishing.failed.length} failed during the flood`,
      );
      expect(attack.completed).toBe(2000);
      expect(settled).toBeLessThanOrEqual(baseline + 20);
      expect(publishing.failed).toEqual([]);
      expect(publishing.acked).toBeGreaterThan(0);
      expect(gw.alive()).toBe(true);
    });
  });

  describe('limits per address, per certificate and on handshakes', () => {
    let gw: ChildGateway;
    let control: GatewayClient;
    let attacker: ClientPem;

    beforeAll(async () => {
      gw = await startChildGateway({
        config: {
          maxConnectionsPerAddress: 20,
          maxConnectionsPerIdentity: 5,
          tlsHandshakeTimeoutMs: 1000,
          http2SettingsTimeoutMs: 60_000,
        },
      });
      control = await clientOf(gw, 'urn:intelroute:ncb:IT');
      await control.publish(ncbEnvelope('IT'));
      attacker = readClientPem(await gw.certs.client('urn:intelroute:ncb:BE'));
    });
    afterAll(async () => {
      control?.close();
      expect(await gw?.stop()).toBe(0);
    });

    it('closes the connections of one address beyond its limit at once; other addresses connect', async () => {
      // Five certificates of one national network behind one address: 4 x 5 stays within each
      // certificate's limit, so only the address limit is at work.
      const behindOneAddress = await Promise.all(
        ['BE', 'DK', 'ES', 'NL'].map(async (c) =>
          readClientPem(await gw.certs.client(`urn:intelroute:ncb:${c}`)),
        ),
      );
      const held = await Promise.all(
        behindOneAddress.flatMap((pem) =>
          Array.from({ length: 5 }, () => openTls(gw.port, pem, '127.0.0.3')),
        ),
      );
      try {
        await expect(openTls(gw.port, attacker, '127.0.0.3')).rejects.toThrow();
        const fromElsewhere = await openTls(gw.port, attacker, '127.0.0.4');
        fromElsewhere.destroy();
        await control.publish(ncbEnvelope('IT'));
      } finally {
        held.forEach((socket) => socket.destroy());
      }
      // Slots come back as connections close.
      await eventually(
        () =>
          openTls(gw.port, attacker, '127.0.0.3')
            .then((socket) => (socket.destroy(), true))
            .catch(() => false),
        (ok) => ok,
        { timeoutMs: 5000, intervalMs: 100 },
      );
    });

    it('sends GOAWAY ENHANCE_YOUR_CALM to the connection of one certificate beyond its limit', async () => {
      const sessions: http2.ClientHttp2Session[] = [];
      try {
        for (let i = 0; i < 5; i += 1) sessions.push(await connectH2(gw.port, attacker));
        const goaway = await new Promise<string>((resolve) => {
          void connectH2(gw.port, attacker)
            .then((extra) => {
              sessions.push(extra);
              extra.once('goaway', (code) => resolve(H2_ERROR_NAMES[code] ?? String(code)));
              extra.once('close', () => resolve('closed without GOAWAY'));
            })
            .catch((error: unknown) => resolve(`refused: ${String(error)}`));
        });
        expect(goaway).toBe('ENHANCE_YOUR_CALM');
        await control.publish(ncbEnvelope('IT')); // another certificate is not held back
      } finally {
        sessions.forEach((session) => session.destroy());
      }
    });

    it('drops a TCP connection that never starts its TLS handshake after the handshake timeout', async () => {
      const started = Date.now();
      const closedAfterMs = await new Promise<number>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port: gw.port, localAddress: '127.0.0.5' });
        socket.on('error', () => undefined);
        socket.once('close', () => resolve(Date.now() - started));
        setTimeout(() => reject(new Error('still open after 20 s')), 20_000).unref();
      });
      report(
        `silent TCP connection closed by the gateway after ${closedAfterMs} ms (limit 1000 ms)`,
      );
      expect(closedAfterMs).toBeGreaterThanOrEqual(900);
      expect(closedAfterMs).toBeLessThan(10_000); // Node's default is 120 s
    });
  });

  describe('readiness near the connection limit', () => {
    let gw: ChildGateway;

    beforeAll(async () => {
      gw = await startChildGateway({
        config: { maxConnections: 20, http2SettingsTimeoutMs: 60_000 },
        logLevel: 'warn',
      });
    });
    afterAll(async () => expect(await gw?.stop()).toBe(0));

    it('turns NOT_SERVING with a log line saying why at 90 % of maxConnections, and SERVING again after', async () => {
      const pem = readClientPem(await gw.certs.client('urn:intelroute:ncb:BE'));
      const credentials = grpc.credentials.createSsl(pem.ca, pem.key, pem.cert);
      expect(await healthStatus(gw.address, credentials)).toBe('SERVING');
      const held = await Promise.all(
        Array.from({ length: 18 }, () => openTls(gw.port, pem, '127.0.0.6')),
      );
      try {
        await eventually(
          () => healthStatus(gw.address, credentials),
          (status) => status === 'NOT_SERVING',
          { timeoutMs: 15_000, intervalMs: 500 },
        );
        expect(gw.logLines().join('\n')).toMatch(
          /gateway saturated.*connections open|connections open.*gateway saturated/,
        );
      } finally {
        held.forEach((socket) => socket.destroy());
      }
      await sleep(100);
      await eventually(
        () => healthStatus(gw.address, credentials),
        (status) => status === 'SERVING',
        { timeoutMs: 15_000, intervalMs: 500 },
      );
    });
  });
});
