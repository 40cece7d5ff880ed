import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildReader, readerIdentity } from '../../src/app/reader';
import { PublishRefusedError } from '../../src/client';
import { AckLatencyWindow, metricsFeeding } from '../../src/console/ack-latency-window';
import { OpsConsole } from '../../src/console/ops-console';
import {
  Channel,
  OriginKind,
  type Envelope,
} from '../../src/contract/generated/intelroute/v1/envelope';
import type { ReaderRuntime } from '../../src/services/readers';
import { StreamSink } from '../../src/services/readers/sinks/stdout-sink';
import { noopIntelrouteMetrics } from '../../src/telemetry';
import { silentLogger } from '../../src/telemetry/logger';
import { launchChromium, screenshotDir } from '../helpers/browser';
import { eventually } from '../helpers/eventually';
import { payloadBytes, validEnvelope } from '../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness';

jest.setTimeout(120_000);

/**
 * The ops console as an operator sees it: a real headless Chromium with an operator's client
 * certificate, against a console reading the audit trail of a real gateway (mTLS gRPC, Kafka)
 * with two readers delivering.
 */
describe('ops console in a browser', () => {
  let gw: TestGateway;
  let opsConsole: OpsConsole;
  let browser: Browser;
  let operator: BrowserContext;
  const readers: ReaderRuntime[] = [];
  const shots = screenshotDir();

  beforeAll(async () => {
    const ackLatency = new AckLatencyWindow();
    gw = await startTestGateway({ metrics: metricsFeeding(noopIntelrouteMetrics(), ackLatency) });
    for (const selector of [
      { kind: 'country-inbox', country: 'DE' },
      { kind: 'secretariat' },
    ] as const) {
      const reader = buildReader(gw.config, {
        ...readerIdentity(gw.config, selector, {}),
        kafka: gw.kafka,
        logger: silentLogger(),
        sink: new StreamSink(new PassThrough().resume()),
      });
      readers.push(reader);
      await reader.start();
    }
    opsConsole = new OpsConsole({
      config: { ...gw.config, console: { ...gw.config.console, port: 0, access: 'mtls' } },
      kafka: gw.kafka,
      logger: silentLogger(),
      instanceId: 'browser-test',
      gateway: { isReady: () => gw.gateway.ready, ackLatency },
    });
    await opsConsole.start();
    browser = await launchChromium();
    operator = await contextAs('urn:intelroute:ops:alice');
  });

  afterAll(async () => {
    await browser?.close();
    await opsConsole?.stop();
    for (const reader of readers) await reader.stop();
    await gw?.stop();
  });

  /** A browser context presenting `urn`'s client certificate to the console. */
  async function contextAs(urn: string): Promise<BrowserContext> {
    const files = await gw.certs.client(urn);
    return browser.newContext({
      clientCertificates: [
        { origin: consoleOrigin(), certPath: files.certFile, keyPath: files.keyFile },
      ],
      // The console presents the test CA's server certificate, which Chromium does not trust.
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 900 },
    });
  }

  function consoleOrigin(): string {
    return `https://localhost:${opsConsole.port}`;
  }

  async function shoot(page: Page, name: string): Promise<void> {
    if (shots !== null)
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  }

  async function publishAccepted(envelope: Envelope): Promise<void> {
    const client = await gw.client('urn:intelroute:ncb:FR');
    await client.publish(envelope);
  }

  it('shows a message published over gRPC in the live flow, without a reload', async () => {
    const page = await operator.newPage();
    await page.goto(`${consoleOrigin()}/`);
    await page.locator('#live-state').filter({ hasText: /live/i }).waitFor({ timeout: 15_000 });
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    // France writes to Germany and to everyone; Germany writes to France and the Secretariat.
    await publishAccepted(validEnvelope('information-request'));
    await publishAccepted(validEnvelope('training-event'));
    const germany = await gw.client('urn:intelroute:ncb:DE');
    const fromGermany = { kind: OriginKind.ORIGIN_KIND_NCB, country: 'DE', agencyId: '' };
    for (const destination of [
      { $case: 'country', country: 'FR' } as const,
      { $case: 'channel', channel: Channel.CHANNEL_SECRETARIAT } as const,
    ]) {
      await germany.publish(
        validEnvelope('information-request', {
          origin: fromGermany,
          destinations: [{ target: destination }],
        }),
      );
    }
    for (const sender of ['FR', 'DE']) {
      const row = page.locator(`tr[data-sender="${sender}"]`);
      await row.waitFor({ timeout: 20_000 });
      await expectText(row, /\b[1-9]\d*\b/);
      await page.locator(`[data-node="sender:${sender}"]`).first().waitFor({ timeout: 10_000 });
    }
    await page
      .locator(`[data-node="topic:${gw.topic('intel.v1.country.DE')}"]`)
      .first()
      .waitFor({ timeout: 10_000 });
    // Deliveries arrive after the routing: the readers' nodes join the picture by themselves.
    await page
      .locator(`[data-node="reader:${gw.topic('intelroute.reader.country.DE')}"]`)
      .first()
      .waitFor({ timeout: 20_000 });
    // Each reader's lag, from its committed offsets (asked every 5 s).
    await page
      .locator(`tr[data-group="${gw.topic('intelroute.reader.country.DE')}"]`)
      .first()
      .waitFor({ timeout: 20_000 });
    expect(navigations).toEqual([]);
    await shoot(page, 'flow');
    await page.close();
  });

  it("opens a message's story from the search form and shows every hop", async () => {
    const envelope = validEnvelope('information-request', {
      destinations: [
        { target: { $case: 'country', country: 'DE' } },
        { target: { $case: 'channel', channel: Channel.CHANNEL_SECRETARIAT } },
      ],
    });
    await publishAccepted(envelope);
    const page = await operator.newPage();
    await page.goto(`${consoleOrigin()}/messages`);
    // Both readers deliver it: wait until the story holds the routing and two deliveries.
    await eventually(
      async () => {
        await page.fill('input[name="q"]', envelope.messageId);
        await Promise.all([
          page.waitForURL(/\/messages\?q=/),
          page.press('input[name="q"]', 'Enter'),
        ]);
        return page.locator('[data-event="DELIVERED"]').count();
      },
      (delivered) => delivered === 2,
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(await page.locator('[data-event="ROUTED"]').count()).toBe(1);
    const routed = await page.locator('[data-event="ROUTED"]').innerText();
    expect(routed).toContain(gw.topic('intel.v1.country.DE'));
    expect(routed).toContain(gw.topic('intel.v1.secretariat'));
    expect(await page.content()).not.toContain(envelope.payload.toString());
    await shoot(page, 'story');
    await page.close();
  });

  it('lists a refusal with its reason and the field at fault, never the payload', async () => {
    const envelope = validEnvelope('seizure-report');
    const payload = JSON.parse(envelope.payload.toString()) as Record<string, unknown>;
    delete payload.seizureDate;
    const client = await gw.client('urn:intelroute:ncb:FR');
    const refused = { ...envelope, payload: payloadBytes(payload) };
    await expect(client.publish(refused)).rejects.toBeInstanceOf(PublishRefusedError);
    const page = await operator.newPage();
    const row = page.locator(`tr[data-kind="refused"]`, { hasText: envelope.messageId });
    await eventually(
      async () => {
        await page.goto(`${consoleOrigin()}/refusals`);
        return row.count();
      },
      (rows) => rows === 1,
      { timeoutMs: 20_000, intervalMs: 1000 },
    );
    expect(await row.getAttribute('data-reason')).toBe('SCHEMA_VIOLATION');
    await expectText(row, /seizureDate/);
    const html = await page.content();
    for (const value of Object.values(payload)) {
      if (typeof value === 'string' && value.length >= 8) expect(html).not.toContain(value);
    }
    await page.selectOption('select[name="reason"]', 'SCHEMA_VIOLATION');
    await Promise.all([
      page.waitForURL(/reason=SCHEMA_VIOLATION/),
      page.locator('form button[type="submit"], form input[type="submit"]').first().click(),
    ]);
    const reasons = await page
      .locator('tr[data-kind]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-reason')));
    expect(reasons.length).toBeGreaterThan(0);
    expect(new Set(reasons)).toEqual(new Set(['SCHEMA_VIOLATION']));
    await shoot(page, 'refusals');
    await page.close();
  });

  it('verifies the audit trail when asked', async () => {
    const page = await operator.newPage();
    await page.goto(`${consoleOrigin()}/integrity`);
    await Promise.all([
      page.waitForURL(/\/integrity$/),
      page.getByRole('button', { name: /verify now/i }).click(),
    ]);
    // While it runs the page refreshes itself until the result is in.
    await page.locator('#last-run[data-state="ok"]').waitFor({ timeout: 60_000 });
    const chain = page.locator(`[data-chain="${gw.gateway.instanceId}"]`);
    expect(await chain.innerText()).toMatch(/\bok\b/i);
    await shoot(page, 'integrity');
    await page.close();
  });

  it('refuses an identity that is not an operator', async () => {
    const ncb = await contextAs('urn:intelroute:ncb:FR');
    const page = await ncb.newPage();
    const response = await page.goto(`${consoleOrigin()}/messages`);
    expect(response?.status()).toBe(403);
    await expectText(page.locator('body'), /This console is for operators/);
    await expectText(page.locator('body'), /urn:intelroute:ncb:FR/);
    const api = await page.request.get(`${consoleOrigin()}/api/flow`);
    expect(api.status()).toBe(403);
    await ncb.close();
  });
});

async function expectText(
  locator: { innerText(): Promise<string> },
  pattern: RegExp,
): Promise<void> {
  expect(await locator.innerText()).toMatch(pattern);
}
