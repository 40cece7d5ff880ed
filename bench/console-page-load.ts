/**
 * How fast the ops console's pages load with 100,000 messages in the audit trail (#19: "well
 * under a second"): an AuditIndex filled with `count` messages of four records each and 1,000
 * refusals (bench/console-index-memory.ts makes them), the console's own server on loopback, and
 * headless Chromium loading each page `loads` times. Reported per page: the server's answer
 * (time to the last byte, Node's fetch) and the browser's load event (navigation timing), p50
 * and p99 in ms. Kafka plays no part in a page load (the index is in memory), so none runs here.
 * `npx tsx bench/console-page-load.ts [count] [loads]`; prints a table and one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { AuditIndex } from '../src/console/audit-index';
import { startConsoleServer, type ConsoleSources } from '../src/console/console-server';
import { silentLogger } from '../src/telemetry/logger';
import { launchChromium } from '../test/helpers/browser';
import { messageRecords, refusedRecord } from './console-index-memory';
import { summarizeLatencies } from './lib/stats';

interface PageTiming {
  readonly page: string;
  readonly serverP50Ms: number;
  readonly serverP99Ms: number;
  readonly browserLoadP50Ms: number;
  readonly browserLoadP99Ms: number;
  readonly bytes: number;
}

function filledIndex(count: number): { index: AuditIndex; someId: string } {
  const index = new AuditIndex({ maxMessages: count, maxRefusals: 1000 });
  const now = Date.now();
  let someId = '';
  for (let i = 0; i < count; i += 1) {
    const records = messageRecords(i, now - (count - i) * 5);
    for (const record of records) index.add(record);
    if (i === Math.floor(count / 2)) someId = records[0]!.messageId;
  }
  for (let i = 0; i < 1000; i += 1) index.add(refusedRecord(i, now - (1000 - i) * 50));
  return { index, someId };
}

function sourcesOf(index: AuditIndex): ConsoleSources {
  return {
    flow: () => ({
      ...index.flow(),
      at: new Date().toISOString(),
      ackLatency: null,
      readers: [],
      health: {
        gateway: 'absent',
        brokers: { state: 'unknown', count: 0, detail: 'no Kafka in this bench' },
        auditTail: { state: 'live', behind: 0 },
      },
    }),
    search: (query) => index.search(query),
    refusals: (filter, limit) => index.refusals(filter, limit),
    integrity: () => ({ chains: index.chains(), lastRun: null, running: false }),
    verifyNow: () => undefined,
  };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const loads = Number(process.argv[3] ?? 30);
  const started = performance.now();
  const { index, someId } = filledIndex(count);
  const fillMs = performance.now() - started;
  const server = await startConsoleServer({
    host: '127.0.0.1',
    port: 0,
    mode: 'loopback',
    tls: null,
    sources: sourcesOf(index),
    traceUrl: 'http://localhost:16686/trace/{traceId}',
    logger: silentLogger(),
  });
  const base = `http://127.0.0.1:${server.port}`;
  const pages = [
    '/',
    `/messages?q=${someId}`,
    '/refusals',
    '/refusals?reason=SCHEMA_VIOLATION',
    '/integrity',
  ];
  const browser = await launchChromium();
  const timings: PageTiming[] = [];
  try {
    const page = await browser.newPage();
    for (const pagePath of pages) {
      const server: number[] = [];
      const browserLoad: number[] = [];
      let bytes = 0;
      for (let i = 0; i < loads; i += 1) {
        const t0 = performance.now();
        const body = await (await fetch(`${base}${pagePath}`)).text();
        server.push(performance.now() - t0);
        bytes = Buffer.byteLength(body);
        await page.goto(`${base}${pagePath}`, { waitUntil: 'load' });
        // A string: the bench compiles without the DOM's types.
        const loadMs: unknown = await page.evaluate(
          '(() => { const e = performance.getEntriesByType("navigation")[0]; return e ? e.loadEventEnd - e.startTime : NaN; })()',
        );
        browserLoad.push(Number(loadMs));
      }
      const answered = summarizeLatencies(server);
      const loaded = summarizeLatencies(browserLoad);
      timings.push({
        page: pagePath.replace(someId, '<id>'),
        serverP50Ms: answered.p50Ms,
        serverP99Ms: answered.p99Ms,
        browserLoadP50Ms: loaded.p50Ms,
        browserLoadP99Ms: loaded.p99Ms,
        bytes,
      });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const totals = index.totals();
  process.stdout.write(
    `console page load, ${totals.messagesHeld.toLocaleString('en')} messages held (${totals.records.toLocaleString('en')} records; index filled in ${Math.round(fillMs)} ms), ${loads} loads per page\n` +
      'page                               server p50/p99 ms   browser load p50/p99 ms   bytes\n' +
      timings
        .map(
          (t) =>
            `${t.page.padEnd(35)}${`${t.serverP50Ms} / ${t.serverP99Ms}`.padEnd(20)}${`${t.browserLoadP50Ms} / ${t.browserLoadP99Ms}`.padEnd(26)}${t.bytes}`,
        )
        .join('\n') +
      '\n',
  );
  process.stdout.write(
    `${JSON.stringify({ messages: totals.messagesHeld, records: totals.records, fillMs: Math.round(fillMs), loads, timings })}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
