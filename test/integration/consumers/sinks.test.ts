import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FileSink, WebhookSink, type ReaderDelivery } from '../../../src/services/readers';
import { OriginKind } from '../../../src/contract/generated/intelroute/v1/envelope';
import { silentLogger } from '../../../src/telemetry/logger';
import { routedEnvelope } from './consumer-fixtures';

function delivery(): ReaderDelivery {
  return {
    envelope: routedEnvelope('seizure-report'),
    record: { topic: 'intel.v1.country.FR', partition: 0, offset: '5' },
    headers: {},
    trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), sampled: true },
    attempt: 1,
  };
}

describe('the file sink', () => {
  const file = (): string =>
    path.join(mkdtempSync(path.join(os.tmpdir(), 'file-sink-')), 'out.jsonl');
  const lines = (name: string): Array<{ messageId: string; origin: string }> =>
    readFileSync(name, 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as { messageId: string; origin: string });
  const sink = (name: string): FileSink =>
    new FileSink({ file: name, tailScanBytes: 1 << 20, logger: silentLogger() });

  it('writes one complete line per message, also when messages arrive together', async () => {
    const name = file();
    const out = sink(name);
    await out.open();
    const batch = Array.from({ length: 20 }, delivery);
    await Promise.all(batch.map((d) => out.deliver(d)));
    await out.deliver(batch[3]!); // already written
    await out.close();
    expect(lines(name).map((l) => l.messageId)).toEqual(batch.map((d) => d.envelope.messageId));
  });

  it('after a crash, drops the cut-off last line and skips what the file already holds', async () => {
    const name = file();
    const first = sink(name);
    await first.open();
    const written = [delivery(), delivery()];
    for (const d of written) await first.deliver(d);
    await first.close();
    const cut = delivery();
    appendFileSync(name, `{"messageId":"${cut.envelope.messageId}","messageType":"sei`); // killed mid-write

    const restarted = sink(name);
    await restarted.open();
    // The replay after the restart: the two written messages, then the one that was cut off.
    for (const d of [...written, cut]) await restarted.deliver(d);
    await restarted.close();
    expect(lines(name).map((l) => l.messageId)).toEqual(
      [...written, cut].map((d) => d.envelope.messageId),
    );
  });

  it('writes two origins’ messages under one id as two messages, before and after a restart', async () => {
    const name = file();
    const fromFrance = delivery();
    const fromGermany = {
      ...fromFrance,
      envelope: {
        ...fromFrance.envelope,
        origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'DE', agencyId: '' },
      },
    };
    const first = sink(name);
    await first.open();
    await first.deliver(fromFrance);
    await first.close();
    const restarted = sink(name);
    await restarted.open();
    await restarted.deliver(fromFrance); // a replay: already in the file
    await restarted.deliver(fromGermany);
    await restarted.close();
    expect(lines(name).map((l) => [l.origin, l.messageId])).toEqual([
      ['ncb:FR', fromFrance.envelope.messageId],
      ['ncb:DE', fromFrance.envelope.messageId],
    ]);
  });
});

describe('the webhook sink', () => {
  let server: Server;
  let url: string;
  let answer: (request: IncomingMessage) => number | 'hang';
  const received: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown> }> =
    [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({
          headers: request.headers,
          body: JSON.parse(body) as Record<string, unknown>,
        });
        const status = answer(request);
        if (status !== 'hang') response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => (received.length = 0));

  it('POSTs the document with origin and message id as idempotency key, and the trace', async () => {
    answer = () => 204;
    const d = delivery();
    await new WebhookSink({ url, timeoutMs: 2000 }).deliver(d);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': `ncb:FR|${d.envelope.messageId}`,
      traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    });
    expect(received[0]?.body).toMatchObject({
      messageId: d.envelope.messageId,
      offset: '5',
      payload: { items: expect.any(Array) },
    });
  });

  it('asks for a retry on 503, a timeout or no server; refuses for good on 422', async () => {
    const sinkAt = (target: string): WebhookSink =>
      new WebhookSink({ url: target, timeoutMs: 300 });
    answer = () => 503;
    await expect(sinkAt(url).deliver(delivery())).rejects.toMatchObject({
      code: 'READER_HANDLER_FAILED',
    });
    answer = () => 422;
    await expect(sinkAt(url).deliver(delivery())).rejects.toMatchObject({
      code: 'READER_HANDLER_REJECTED',
    });
    answer = () => 'hang';
    await expect(sinkAt(url).deliver(delivery())).rejects.toMatchObject({
      code: 'READER_HANDLER_FAILED',
    });
    await expect(sinkAt('http://127.0.0.1:9/closed').deliver(delivery())).rejects.toMatchObject({
      code: 'READER_HANDLER_FAILED',
    });
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => new WebhookSink({ url: 'ftp://example.org/x', timeoutMs: 1000 })).toThrow(
      expect.objectContaining({ code: 'READER_OPTIONS_INVALID' }),
    );
  });
});
