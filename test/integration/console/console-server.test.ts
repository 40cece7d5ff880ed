import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import {
  startConsoleServer,
  type ConsoleServer,
  type ConsoleSources,
} from '../../../src/console/console-server';
import type { FlowSnapshot } from '../../../src/console/console-model';
import { certFolderPaths, revokeCertificate } from '../../../src/identity/certs';
import { silentLogger } from '../../../src/telemetry/logger';
import { TestCertificates } from '../../helpers/gateway-harness';

/** Sources with fixed content: this file checks the server's rules, not the audit index. */
function fixedSources(): ConsoleSources & { verifications: number } {
  const sources = {
    verifications: 0,
    flow: (): FlowSnapshot => ({
      at: new Date().toISOString(),
      windowSeconds: 60,
      series: [],
      acceptedPerSecond: 0,
      refusedPerSecond: 0,
      bySender: [{ key: 'FR', count: 3 }],
      refusalsByReason: [],
      senderToTopic: [],
      topicToReader: [],
      totals: { records: 3, unreadable: 0, messagesHeld: 3, messagesEvicted: 0 },
      ackLatency: null,
      readers: [],
      health: {
        gateway: 'absent',
        brokers: { state: 'up', count: 1, detail: '1 broker(s)' },
        auditTail: { state: 'live', behind: 0 },
      },
    }),
    search: (query: string) => ({ query, matchedBy: null, stories: [], messagesHeld: 3 }),
    refusals: () => ({ items: [], held: 0, reasons: [], senders: [] }),
    integrity: () => ({ chains: [], lastRun: null, running: false }),
    verifyNow: () => {
      sources.verifications += 1;
    },
  };
  return sources;
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(
  url: string,
  options: https.RequestOptions & { body?: string } = {},
): Promise<Answer> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('ops console server, loopback access', () => {
  let server: ConsoleServer;
  const sources = fixedSources();
  beforeAll(async () => {
    server = await startConsoleServer({
      host: '127.0.0.1',
      port: 0,
      mode: 'loopback',
      tls: null,
      sources,
      traceUrl: null,
      logger: silentLogger(),
    });
  });
  afterAll(() => server?.close());
  const base = () => `http://127.0.0.1:${server.port}`;

  it('serves the pages to local users with a strict content security policy', async () => {
    for (const page of ['/', '/messages?q=x', '/refusals', '/integrity']) {
      const answer = await request(`${base()}${page}`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
      expect(answer.headers['x-frame-options']).toBe('DENY');
    }
    const asset = await request(`${base()}/assets/console.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    const answer = await request(`${base()}/api/flow`, { headers: { Host: 'evil.example:80' } });
    expect(answer.status).toBe(421);
    expect(answer.body).not.toContain('"FR"');
  });

  it('starts a verification only for a post from its own pages', async () => {
    const crossSite = await request(`${base()}/integrity/verify`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    const noOrigin = await request(`${base()}/integrity/verify`, { method: 'POST' });
    expect(noOrigin.status).toBe(403);
    expect(sources.verifications).toBe(0);
    const own = await request(`${base()}/integrity/verify`, {
      method: 'POST',
      headers: { Origin: base(), 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(own.status).toBe(303);
    expect(own.headers.location).toBe('/integrity');
    expect(sources.verifications).toBe(1);
  });

  it('answers bad requests plainly: unknown path, method, query too long', async () => {
    expect((await request(`${base()}/nothing`)).status).toBe(404);
    expect((await request(`${base()}/`, { method: 'DELETE' })).status).toBe(405);
    expect((await request(`${base()}/messages?q=${'a'.repeat(201)}`)).status).toBe(400);
    // HEAD of the live stream answers and ends, rather than holding a stream open.
    const head = await request(`${base()}/events`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/text\/event-stream/);
  });

  it('streams a flow snapshot as a server-sent event at once', async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${base()}/events`, (res) => {
        expect(res.headers['content-type']).toMatch(/text\/event-stream/);
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\n\n')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
    });
    const data = /^data: (.*)$/m.exec(first)?.[1];
    expect(first).toMatch(/^event: flow$/m);
    expect((JSON.parse(data ?? '{}') as FlowSnapshot).bySender).toEqual([{ key: 'FR', count: 3 }]);
  });
});

describe('ops console server, mTLS access', () => {
  let server: ConsoleServer;
  let certs: TestCertificates;
  beforeAll(async () => {
    certs = await TestCertificates.create();
    const file = (name: string) => readFileSync(path.join(certs.dir, name));
    server = await startConsoleServer({
      host: '127.0.0.1',
      port: 0,
      mode: 'mtls',
      tls: { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') },
      sources: fixedSources(),
      traceUrl: null,
      logger: silentLogger(),
    });
  });
  afterAll(() => server?.close());

  async function as(urn: string | null, page = '/api/flow'): Promise<Answer> {
    const ca = readFileSync(path.join(certs.dir, 'ca.crt'));
    if (urn === null) return request(`https://localhost:${server.port}${page}`, { ca });
    const files = await certs.client(urn);
    return request(`https://localhost:${server.port}${page}`, {
      ca,
      cert: readFileSync(files.certFile),
      key: readFileSync(files.keyFile),
    });
  }

  it('admits an operator and refuses every other role, and no certificate', async () => {
    expect((await as('urn:intelroute:ops:alice')).status).toBe(200);
    for (const urn of [
      'urn:intelroute:ncb:FR',
      'urn:intelroute:secretariat',
      'urn:intelroute:system:link-detector',
      'urn:intelroute:agency:FR:customs-dnred',
    ]) {
      const answer = await as(urn);
      expect(answer.status).toBe(403);
      expect(answer.body).toContain(urn);
      expect(answer.body).not.toContain('"FR"');
    }
    expect((await as(null)).status).toBe(403);
  });

  it('refuses a revoked operator once the CRL is reloaded', async () => {
    const urn = 'urn:intelroute:ops:leaver';
    expect((await as(urn)).status).toBe(200);
    const files = await certs.client(urn);
    await revokeCertificate(certFolderPaths(certs.dir), {
      certificate: readFileSync(files.certFile),
    });
    const file = (name: string) => readFileSync(path.join(certs.dir, name));
    server.updateTls({
      ca: file('ca.crt'),
      cert: file('server.crt'),
      key: file('server.key'),
      crl: file('crl.pem'),
    });
    const answer = await as(urn);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/revoked/i);
    expect((await as('urn:intelroute:ops:alice')).status).toBe(200);
  });

  it('answers the health check without a certificate, and nothing else', async () => {
    expect((await as(null, '/healthz')).status).toBe(200);
    expect((await as(null, '/')).status).toBe(403);
  });
});
