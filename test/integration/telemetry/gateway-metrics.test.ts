import { buildGateway } from '../../../src/app/gateway';
import { createGatewayClient, type GatewayClient } from '../../../src/client';
import type { PublishRefusedError } from '../../../src/client/refusal';
import { loadConfig, type IntelrouteConfig } from '../../../src/config';
import { StreamKind } from '../../../src/contract/generated/intelroute/v1/gateway';
import type { Gateway } from '../../../src/gateway/gateway';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { silentLogger } from '../../../src/telemetry/logger';
import { INSTRUMENTS } from '../../../src/telemetry/metric-names';
import { prometheusSeriesNames } from '../../../src/telemetry/prometheus-names';
import { startTelemetry, type Telemetry } from '../../../src/telemetry/start-telemetry';
import { eventually } from '../../helpers/eventually';
import { payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { provisionTestTopics, TestCertificates } from '../../helpers/gateway-harness';
import { testBrokers } from '../../helpers/kafka';
import { subscribe, type TestSubscription } from '../../helpers/subscribe-client';
import {
  dashboardQueries,
  find,
  one,
  parseSamples,
  readDashboard,
  selectedMetrics,
  type Sample,
} from '../../unit/telemetry/prometheus-text';
import { testTelemetryConfig } from '../../unit/telemetry/telemetry-fixtures';

jest.setTimeout(120_000);

const SERVICE = { rpc_system: 'grpc', rpc_service: 'intelroute.v1.IntelGateway' };

/**
 * A gateway built by the composition root with the metrics `intelroute start` gives it, on the
 * test broker: one message published, refused, streamed and subscribed to, then `/metrics` read
 * as Prometheus reads it. (The gateway harness passes no metrics, hence this small setup.)
 */
describe('the metrics of a real gateway on /metrics', () => {
  let telemetry: Telemetry;
  let gateway: Gateway;
  let certs: TestCertificates;
  let address: string;
  const clients: GatewayClient[] = [];
  const subscriptions: TestSubscription[] = [];

  beforeAll(async () => {
    telemetry = await startTelemetry({
      serviceName: 'intelroute-gateway',
      config: testTelemetryConfig({ metricsPort: 0 }),
      logger: silentLogger(),
      env: {},
    });
    const logger = silentLogger();
    const admin = createKafkaClient({ brokers: testBrokers(), clientId: 'metrics-admin', logger });
    const topics = await provisionTestTopics(admin, 1);
    const base = loadConfig({ env: {} });
    certs = await TestCertificates.create();
    const config: IntelrouteConfig = {
      ...base,
      kafka: { ...base.kafka, brokers: testBrokers() },
      topics,
      gateway: { ...base.gateway, port: 0, tls: { ...base.gateway.tls, certsDir: certs.dir } },
    };
    gateway = buildGateway(config, {
      kafka: createKafkaClient({ brokers: testBrokers(), clientId: 'metrics-gateway', logger }),
      logger,
      metrics: telemetry.metrics,
    });
    await gateway.start();
    telemetry.metrics.observeInFlight(() => gateway.inFlight); // as `intelroute start` does
    address = `127.0.0.1:${gateway.port}`;
  });
  afterAll(async () => {
    subscriptions.forEach((s) => s.cancel());
    clients.forEach((c) => c.close());
    await gateway?.stop();
    await telemetry?.shutdown();
  });

  async function client(urn: string): Promise<GatewayClient> {
    const files = await certs.client(urn);
    const created = createGatewayClient({
      address,
      tls: { ...files, serverName: 'localhost' },
      retry: false,
    });
    clients.push(created);
    return created;
  }

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(`http://127.0.0.1:${telemetry.metricsPort}/metrics`);
    expect(response.status).toBe(200);
    return parseSamples(await response.text());
  }

  /** Cumulative bucket counts never decrease and end at the count. */
  function expectSoundHistogram(samples: Sample[], name: string, labels: Record<string, string>) {
    const buckets = find(samples, `${name}_bucket`, labels).map((s) => s.value);
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets.at(-1)).toBe(one(samples, `${name}_count`, labels));
  }

  it('times a Publish from request to ack, and the Kafka transaction under it, in seconds', async () => {
    const fr = await client('urn:intelroute:ncb:FR');
    await fr.publish(validEnvelope('information-request'));
    const samples = await scrape();

    const call = { ...SERVICE, rpc_method: 'Publish', rpc_grpc_status_code: '0' };
    expect(one(samples, 'rpc_server_call_duration_seconds_count', call)).toBe(1);
    const callSeconds = one(samples, 'rpc_server_call_duration_seconds_sum', call);
    expect(callSeconds).toBeGreaterThan(0);
    expect(callSeconds).toBeLessThan(10);
    expectSoundHistogram(samples, 'rpc_server_call_duration_seconds', call);

    const acked = { rpc_method: 'Publish', outcome: 'ack' };
    expect(one(samples, 'intelroute_publish_duration_seconds_count', acked)).toBe(1);
    const publishSeconds = one(samples, 'intelroute_publish_duration_seconds_sum', acked);
    expect(publishSeconds).toBeGreaterThan(0);
    expect(publishSeconds).toBeLessThanOrEqual(callSeconds);
    expectSoundHistogram(samples, 'intelroute_publish_duration_seconds', acked);

    const kafka = { messaging_system: 'kafka', component: 'gateway', outcome: 'ok' };
    expect(
      one(samples, 'messaging_client_operation_duration_seconds_count', kafka),
    ).toBeGreaterThanOrEqual(1);
    const kafkaSeconds = one(samples, 'messaging_client_operation_duration_seconds_sum', kafka);
    expect(kafkaSeconds).toBeGreaterThan(0);
    expect(kafkaSeconds).toBeLessThan(10);
    expect(
      one(samples, 'intelroute_gateway_messages_accepted_total', {
        message_type: 'information-request',
        origin_country: 'FR',
      }),
    ).toBe(1);
    expect(find(samples, 'intelroute_kafka_produce_duration_bucket')).toEqual([]);
  });

  it('records a refused Publish with its gRPC status code, and a PublishStream call', async () => {
    const fr = await client('urn:intelroute:ncb:FR');
    const refusal = await fr
      .publish(validEnvelope('seizure-report', { payload: payloadBytes({ nonsense: true }) }))
      .then(
        () => undefined,
        (error: PublishRefusedError) => error.refusal,
      );
    expect(refusal?.code).toBeGreaterThan(0);
    const stream = fr.openPublishStream();
    await stream.send(validEnvelope('seizure-report'));
    await stream.end();
    const samples = await eventually(
      scrape,
      (s) =>
        find(s, 'rpc_server_call_duration_seconds_count', { rpc_method: 'PublishStream' }).length >
        0,
    );
    expect(
      one(samples, 'rpc_server_call_duration_seconds_count', {
        rpc_method: 'Publish',
        rpc_grpc_status_code: String(refusal?.code),
      }),
    ).toBe(1);
    expect(
      one(samples, 'intelroute_publish_duration_seconds_count', {
        rpc_method: 'Publish',
        outcome: 'refused',
      }),
    ).toBe(1);
    expect(
      one(samples, 'rpc_server_call_duration_seconds_count', {
        ...SERVICE,
        rpc_method: 'PublishStream',
        rpc_grpc_status_code: '0',
      }),
    ).toBe(1);
    expect(
      one(samples, 'intelroute_publish_duration_seconds_count', {
        rpc_method: 'PublishStream',
        outcome: 'ack',
      }),
    ).toBe(1);
  });

  it('follows a Subscribe: open, delivered, unacked until acked, resumed, and its call ended', async () => {
    const files = await certs.client('urn:intelroute:ncb:DE');
    const start = { stream: StreamKind.STREAM_KIND_COUNTRY_INBOX, country: 'DE', maxInFlight: 10 };
    const first = subscribe(address, files, start);
    subscriptions.push(first);
    const [delivery] = await first.waitFor(1, 30_000);
    const inbox = { stream: 'country-inbox' };
    const open = await scrape();
    expect(one(open, 'intelroute_subscribe_subscriptions_open', inbox)).toBe(1);
    expect(one(open, 'intelroute_subscribe_deliveries_total', inbox)).toBe(1);
    expect(one(open, 'intelroute_subscribe_deliveries_unacked', inbox)).toBe(1);

    first.ack(delivery!.deliveryId);
    await eventually(scrape, (s) => one(s, 'intelroute_subscribe_deliveries_unacked', inbox) === 0);
    first.cancel();
    const closed = await eventually(
      scrape,
      (s) => one(s, 'intelroute_subscribe_subscriptions_open', inbox) === 0,
    );
    const ended = { ...SERVICE, rpc_method: 'Subscribe', rpc_grpc_status_code: '1' };
    expect(one(closed, 'rpc_server_call_duration_seconds_count', ended)).toBe(1);
    expect(one(closed, 'rpc_server_call_duration_seconds_sum', ended)).toBeGreaterThan(0);

    const second = subscribe(address, files, start);
    subscriptions.push(second);
    const resumed = await eventually(
      scrape,
      (s) => find(s, 'intelroute_subscribe_resumes_total', { reason: 'resubscribe' }).length > 0,
    );
    expect(
      one(resumed, 'intelroute_subscribe_resumes_total', { ...inbox, reason: 'resubscribe' }),
    ).toBe(1);
    expect(one(resumed, 'intelroute_subscribe_subscriptions_open', inbox)).toBe(1);
  });

  it('reports the runtime: event loop, GC, heap, RSS and CPU', async () => {
    const samples = await scrape();
    const utilization = one(samples, 'nodejs_eventloop_utilization_ratio');
    expect(utilization).toBeGreaterThan(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(one(samples, 'nodejs_eventloop_delay_p99_seconds')).toBeGreaterThan(0);
    expect(one(samples, 'nodejs_eventloop_delay_p99_seconds')).toBeLessThan(5);
    expect(find(samples, 'v8js_gc_duration_seconds_count').length).toBeGreaterThan(0);
    const heap = find(samples, 'v8js_memory_heap_used_bytes').reduce((sum, s) => sum + s.value, 0);
    const rss = one(samples, 'process_memory_usage_bytes');
    expect(heap).toBeGreaterThan(10_000_000);
    expect(rss).toBeGreaterThan(heap);
    expect(one(samples, 'process_cpu_time_seconds_total', { cpu_mode: 'user' })).toBeGreaterThan(0);
  });

  it('serves every series the Grafana dashboard queries, or declares it in metric-names.ts', async () => {
    const scraped = new Set((await scrape()).map((s) => s.name));
    const declared = new Set(
      INSTRUMENTS.flatMap((i) => prometheusSeriesNames(i.name, i.unit, i.kind)),
    );
    const used = new Set(dashboardQueries(readDashboard()).flatMap(selectedMetrics));
    expect([...used].filter((name) => !scraped.has(name) && !declared.has(name))).toEqual([]);
    // What a gateway must show at once (readers, not gateways, report lag and reader outcomes).
    const gatewaySeries = [...used].filter(
      (name) => !/consumer_lag|reader_messages|audit_write_failures|connections_closed/.test(name),
    );
    expect(gatewaySeries.filter((name) => !scraped.has(name))).toEqual([]);
  });
});
