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

  it('exposes Kafka transactions as messaging.client.operation.duration, in seconds', async () => {
    telemetry.metrics.produceDuration(3, { component: 'gateway', outcome: 'ok' });
    telemetry.metrics.produceDuration(640, { component: 'gateway', outcome: 'ok' });
    telemetry.metrics.produceDuration(12_000, { component: 'reader', outcome: 'timeout' });
    const { body } = await get(port, '/metrics');
    const ok =
      'messaging_system="kafka",messaging_operation_name="send",messaging_operation_type="send",component="gateway",outcome="ok",otel_scope_name="intelroute"';
    const bucket = (le: string) =>
      sample(body, `messaging_client_operation_duration_seconds_bucket{${ok},le="${le}"}`);
    expect([bucket('0.001'), bucket('0.005'), bucket('0.5'), bucket('1'), bucket('+Inf')]).toEqual([
      0, 1, 1, 2, 2,
    ]);
    expect(sample(body, `messaging_client_operation_duration_seconds_sum{${ok}}`)).toBeCloseTo(
      0.643,
      9,
    );
    expect(body).toContain('# TYPE messaging_client_operation_duration_seconds histogram');
    expect(
      sample(
        body,
        'messaging_client_operation_duration_seconds_count{messaging_system="kafka",messaging_operation_name="send",messaging_operation_type="send",component="reader",outcome="timeout",error_type="timeout",otel_scope_name="intelroute"}',
      ),
    ).toBe(1);
    expect(body).not.toContain('intelroute_kafka_produce_duration');
  });

  it('exposes rpc.server.call.duration per method and status code, in seconds', async () => {
    telemetry.metrics.rpcCallEnded('Publish', 0, 0.004);
    telemetry.metrics.rpcCallEnded('Publish', 3, 0.0005);
    telemetry.metrics.rpcCallEnded('Subscribe', 1, 125);
    telemetry.metrics.rpcCallEnded('PublishStream', 99, 0.02); // not a gRPC code: UNKNOWN
    const { body } = await get(port, '/metrics');
    const series = (method: string, code: number) =>
      `rpc_system="grpc",rpc_service="intelroute.v1.IntelGateway",rpc_method="${method}",rpc_grpc_status_code="${code}",otel_scope_name="intelroute"`;
    expect(body).toContain('# TYPE rpc_server_call_duration_seconds histogram');
    expect(
      sample(body, `rpc_server_call_duration_seconds_bucket{${series('Publish', 0)},le="0.005"}`),
    ).toBe(1);
    expect(
      sample(body, `rpc_server_call_duration_seconds_bucket{${series('Publish', 0)},le="0.0025"}`),
    ).toBe(0);
    expect(sample(body, `rpc_server_call_duration_seconds_count{${series('Publish', 3)}}`)).toBe(1);
    expect(
      sample(body, `rpc_server_call_duration_seconds_bucket{${series('Subscribe', 1)},le="300"}`),
    ).toBe(1);
    expect(
      sample(body, `rpc_server_call_duration_seconds_bucket{${series('Subscribe', 1)},le="60"}`),
    ).toBe(0);
    expect(
      sample(body, `rpc_server_call_duration_seconds_count{${series('PublishStream', 2)}}`),
    ).toBe(1);
  });

  it('exposes the publish→result histogram by method and outcome, in seconds', async () => {
    telemetry.metrics.publishDuration('PublishStream', 'ack', 0.008);
    telemetry.metrics.publishDuration('PublishStream', 'refused', -1); // a clock step: 0
    const { body } = await get(port, '/metrics');
    const labels = (outcome: string) =>
      `rpc_method="PublishStream",outcome="${outcome}",otel_scope_name="intelroute"`;
    expect(
      sample(body, `intelroute_publish_duration_seconds_bucket{${labels('ack')},le="0.0075"}`),
    ).toBe(0);
    expect(
      sample(body, `intelroute_publish_duration_seconds_bucket{${labels('ack')},le="0.01"}`),
    ).toBe(1);
    expect(sample(body, `intelroute_publish_duration_seconds_sum{${labels('refused')}}`)).toBe(0);
  });

  it('exposes Subscribe: open subscriptions and unacked deliveries per stream, deliveries and resumes', async () => {
    const inbox = telemetry.metrics.subscribeStream('country-inbox');
    inbox.delivered();
    inbox.delivered();
    inbox.resumed('window');
    telemetry.metrics.subscribeStream('secretariat').resumed('resubscribe');
    let reads = 0;
    const stop = telemetry.metrics.observeSubscriptions(() => [
      { stream: 'country-inbox', unacked: reads++ + 2 },
      { stream: 'country-inbox', unacked: 1 },
      { stream: 'working-group', unacked: 0 },
    ]);
    const { body } = await get(port, '/metrics');
    const scope = 'otel_scope_name="intelroute"';
    const open = (stream: string) =>
      sample(body, `intelroute_subscribe_subscriptions_open{stream="${stream}",${scope}}`);
    expect([open('country-inbox'), open('secretariat'), open('working-group')]).toEqual([2, 0, 1]);
    expect(
      sample(body, `intelroute_subscribe_deliveries_unacked{stream="country-inbox",${scope}}`),
    ).toBe(3);
    expect(
      sample(body, `intelroute_subscribe_deliveries_total{stream="country-inbox",${scope}}`),
    ).toBe(2);
    expect(
      sample(
        body,
        `intelroute_subscribe_resumes_total{stream="country-inbox",reason="window",${scope}}`,
      ),
    ).toBe(1);
    expect(
      sample(
        body,
        `intelroute_subscribe_resumes_total{stream="secretariat",reason="resubscribe",${scope}}`,
      ),
    ).toBe(1);
    stop();
    await get(port, '/metrics');
    expect(reads).toBe(1); // unregistered: not called again
  });

  it('exposes runtime metrics: event loop, GC, heap, RSS and CPU, named with their units', async () => {
    // The delay gauges need a few 10 ms samples; allocation makes the young generation collect.
    const garbage: number[][] = [];
    for (let i = 0; i < 300_000; i++) garbage.push([i]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const { status, body } = await get(port, '/metrics');
    expect(status).toBe(200);
    const runtime =
      'otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"';
    const utilization = sample(body, `nodejs_eventloop_utilization_ratio{${runtime}}`);
    expect(utilization).toBeGreaterThan(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(sample(body, `nodejs_eventloop_delay_p99_seconds{${runtime}}`)).toBeGreaterThan(0.005);
    expect(
      sample(
        body,
        `nodejs_eventloop_time_seconds_total{nodejs_eventloop_state="active",${runtime}}`,
      ),
    ).toBeGreaterThan(0);
    expect(
      sample(body, `v8js_memory_heap_used_bytes{v8js_heap_space_name="old_space",${runtime}}`),
    ).toBeGreaterThan(1_000_000);
    expect(body).toMatch(/^v8js_gc_duration_seconds_count\{v8js_gc_type="minor",/m);
    expect(body).toMatch(/^v8js_gc_duration_seconds_bucket\{[^}]*le="0.0005"\}/m);
    expect(
      sample(body, 'process_memory_usage_bytes{otel_scope_name="intelroute"}'),
    ).toBeGreaterThan(10_000_000);
    expect(
      sample(body, 'process_cpu_time_seconds_total{cpu_mode="user",otel_scope_name="intelroute"}'),
    ).toBeGreaterThan(0);
    expect(garbage.length).toBe(300_000);
  });

  it('answers in the text format Prometheus 2 and 3 accept', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    await response.text();
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
