import { startHealthServer } from '../../../src/telemetry/health-server';
import { silentLogger } from '../../../src/telemetry/logger';
import { startTelemetry, type Telemetry } from '../../../src/telemetry/start-telemetry';
import { testTelemetryConfig } from './telemetry-fixtures';

async function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: await response.text() };
}

/** The value of the sample whose name and labels match exactly (labels in exposition order). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics on /metrics', () => {
  let telemetry: Telemetry;
  let port: number;
  beforeEach(async () => {
    telemetry = await startTelemetry({
      serviceName: 'intelroute-gateway',
      config: testTelemetryConfig({ metricsPort: 0 }),
      logger: silentLogger(),
      env: {},
    });
    port = telemetry.metricsPort as number;
  });
  afterEach(() => telemetry.shutdown());

  it('exposes the message counters by type, origin country and reason', async () => {
    const { metrics } = telemetry;
    metrics.messageReceived({ messageType: 'seizure-report', originCountry: 'FR' });
    metrics.messageReceived({ messageType: 'seizure-report', originCountry: 'FR' });
    metrics.messageAccepted({ messageType: 'seizure-report', originCountry: 'FR' });
    metrics.messageRefused({
      messageType: 'link-alert',
      originCountry: 'DE',
      reason: 'NO_RECIPIENT',
    });
    const { status, body } = await get(port, '/metrics');
    expect(status).toBe(200);
    const labels = 'message_type="seizure-report",origin_country="FR",otel_scope_name="intelroute"';
    expect(sample(body, `intelroute_gateway_messages_received_total{${labels}}`)).toBe(2);
    expect(sample(body, `intelroute_gateway_messages_accepted_total{${labels}}`)).toBe(1);
    expect(
      sample(
        body,
        'intelroute_gateway_messages_refused_total{message_type="link-alert",origin_country="DE",reason="NO_RECIPIENT",otel_scope_name="intelroute"}',
      ),
    ).toBe(1);
  });

  it('bounds labels a sender controls, so it cannot create unbounded series', async () => {
    telemetry.metrics.messageRefused({
      messageType: 'x'.repeat(80),
      originCountry: 'ncb:ZZZ',
      reason: 'free text!',
    });
    const { body } = await get(port, '/metrics');
    expect(
      sample(
        body,
        'intelroute_gateway_messages_refused_total{message_type="other",origin_country="none",reason="OTHER",otel_scope_name="intelroute"}',
      ),
    ).toBe(1);
    expect(body).not.toContain('x'.repeat(80));
  });

  it('exposes the produce latency histogram with millisecond buckets from 1 to 1000', async () => {
    telemetry.metrics.produceDuration(3, { component: 'gateway', outcome: 'ok' });
    telemetry.metrics.produceDuration(640, { component: 'gateway', outcome: 'ok' });
    const { body } = await get(port, '/metrics');
    const bucket = (le: string) =>
      sample(
        body,
        `intelroute_kafka_produce_duration_bucket{component="gateway",outcome="ok",otel_scope_name="intelroute",le="${le}"}`,
      );
    expect([bucket('1'), bucket('5'), bucket('500'), bucket('1000'), bucket('+Inf')]).toEqual([
      0, 1, 1, 2, 2,
    ]);
    expect(
      sample(
        body,
        'intelroute_kafka_produce_duration_sum{component="gateway",outcome="ok",otel_scope_name="intelroute"}',
      ),
    ).toBe(643);
  });

  it('reads the in-flight gauge and consumer lag from their callbacks at each scrape', async () => {
    let inFlight = 3;
    let lagReads = 0;
    telemetry.metrics.observeInFlight(() => inFlight);
    const stopLag = telemetry.metrics.observeConsumerLag(async () => {
      lagReads += 1;
      return [{ group: 'intelroute.reader.country.FR', topic: 'intel.v1.country.FR', lag: 17 }];
    });
    const lagSeries =
      'intelroute_consumer_lag{consumer_group="intelroute.reader.country.FR",topic="intel.v1.country.FR",otel_scope_name="intelroute"}';
    const first = (await get(port, '/metrics')).body;
    expect(
      sample(first, 'intelroute_gateway_messages_in_flight{otel_scope_name="intelroute"}'),
    ).toBe(3);
    expect(sample(first, lagSeries)).toBe(17);
    inFlight = 5;
    stopLag();
    const second = (await get(port, '/metrics')).body;
    expect(
      sample(second, 'intelroute_gateway_messages_in_flight{otel_scope_name="intelroute"}'),
    ).toBe(5);
    expect(lagReads).toBe(1); // unregistered: not called again
  });

  it('still answers the scrape when a callback throws', async () => {
    telemetry.metrics.observeConsumerLag(() => {
      throw new Error('admin client gone');
    });
    telemetry.metrics.observeInFlight(() => 1);
    const { status, body } = await get(port, '/metrics');
    expect(status).toBe(200);
    expect(
      sample(body, 'intelroute_gateway_messages_in_flight{otel_scope_name="intelroute"}'),
    ).toBe(1);
  });

  it('counts audit write failures and reader outcomes', async () => {
    telemetry.metrics.auditWriteFailed({ component: 'gateway', reason: 'KAFKA_UNAVAILABLE' });
    telemetry.metrics.readerMessage({
      group: 'intelroute.reader.secretariat',
      outcome: 'dead-lettered',
    });
    const { body } = await get(port, '/metrics');
    expect(
      sample(
        body,
        'intelroute_audit_write_failures_total{component="gateway",reason="KAFKA_UNAVAILABLE",otel_scope_name="intelroute"}',
      ),
    ).toBe(1);
    expect(
      sample(
        body,
        'intelroute_reader_messages_processed_total{consumer_group="intelroute.reader.secretariat",outcome="dead-lettered",otel_scope_name="intelroute"}',
      ),
    ).toBe(1);
  });

  it('names the service in target_info from the role, the config or OTEL_SERVICE_NAME', async () => {
    const { body } = await get(port, '/metrics');
    expect(body).toMatch(/target_info\{[^}]*service_name="intelroute-gateway"/);
  });
});

describe('/healthz and /readyz', () => {
  let telemetry: Telemetry;
  let port: number;
  beforeEach(async () => {
    telemetry = await startTelemetry({
      serviceName: 'intelroute-gateway',
      config: testTelemetryConfig({ metricsPort: 0 }),
      logger: silentLogger(),
      env: {},
    });
    port = telemetry.metricsPort as number;
  });
  afterEach(() => telemetry.shutdown());

  it('answers /healthz 200 while the process runs', async () => {
    expect((await get(port, '/healthz')).status).toBe(200);
  });

  it('answers /readyz 503 until a readiness check says ready, then as it says', async () => {
    expect((await get(port, '/readyz')).status).toBe(503);
    let writerState = 'connecting';
    telemetry.setReadiness(() => writerState === 'ready');
    expect((await get(port, '/readyz')).status).toBe(503);
    writerState = 'ready';
    expect((await get(port, '/readyz')).status).toBe(200);
    telemetry.setReadiness(async () => false);
    expect((await get(port, '/readyz')).status).toBe(503);
  });

  it('answers /readyz 503 when the check throws', async () => {
    telemetry.setReadiness(() => {
      throw new Error('no writer');
    });
    expect((await get(port, '/readyz')).status).toBe(503);
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    expect((await get(port, '/admin')).status).toBe(404);
    expect((await get(port, '/readyz', 'POST')).status).toBe(405);
  });

  it('stops listening on shutdown, and a second shutdown is harmless', async () => {
    await telemetry.shutdown();
    await telemetry.shutdown();
    await expect(get(port, '/healthz')).rejects.toThrow();
  });
});

describe('startHealthServer', () => {
  it('answers 503 when the readiness check does not answer in time', async () => {
    const server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      ready: () => () => new Promise<boolean>(() => undefined),
      readyTimeoutMs: 50,
    });
    try {
      expect((await get(server.port, '/readyz')).status).toBe(503);
      expect((await get(server.port, '/metrics')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('fails to start with CONFIG_INVALID when the port is taken, saying how to pick another', async () => {
    const first = await startHealthServer({ host: '127.0.0.1', port: 0, ready: () => () => true });
    try {
      await expect(
        startHealthServer({ host: '127.0.0.1', port: first.port, ready: () => () => true }),
      ).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/EADDRINUSE.*INTELROUTE_METRICS_PORT, 0 for any free port/),
      });
    } finally {
      await first.close();
    }
  });
});
