import { silentLogger } from '../../../src/telemetry/logger';
import { INSTRUMENTS } from '../../../src/telemetry/metric-names';
import { prometheusSeriesNames } from '../../../src/telemetry/prometheus-names';
import { startTelemetry, type Telemetry } from '../../../src/telemetry/start-telemetry';
import {
  allPanels,
  dashboardQueries,
  parseSamples,
  readDashboard,
  selectedMetrics,
} from './prometheus-text';
import { testTelemetryConfig } from './telemetry-fixtures';

/** The names of a scrape after every intelroute instrument recorded once. */
async function scrapeEverything(): Promise<Set<string>> {
  const telemetry: Telemetry = await startTelemetry({
    serviceName: 'intelroute-gateway',
    config: testTelemetryConfig({ metricsPort: 0 }),
    logger: silentLogger(),
    env: {},
  });
  try {
    const m = telemetry.metrics;
    m.messageReceived({ messageType: 'seizure-report', originCountry: 'FR' });
    m.messageAccepted({ messageType: 'seizure-report', originCountry: 'FR' });
    m.messageRefused({
      messageType: 'seizure-report',
      originCountry: 'FR',
      reason: 'NO_RECIPIENT',
    });
    m.rpcCallEnded('Publish', 0, 0.003);
    m.publishDuration('Publish', 'ack', 0.003);
    m.produceDuration(2, { component: 'gateway', outcome: 'ok' });
    m.readerMessage({ group: 'intelroute.reader.country.FR', outcome: 'delivered' });
    m.auditWriteFailed({ component: 'gateway', reason: 'KAFKA_UNAVAILABLE' });
    m.connectionClosed({ reason: 'tls-handshake' });
    m.subscribeStream('country-inbox').delivered();
    m.subscribeStream('country-inbox').resumed('window');
    m.observeInFlight(() => 1);
    m.observeConsumerLag(() => [{ group: 'g', topic: 't', lag: 1 }]);
    m.observeConnections(() => ({ connections: 1, sessions: 1, descriptors: 10 }));
    m.observeSubscriptions(() => [{ stream: 'country-inbox', unacked: 1 }]);
    // Delay gauges need a few 10 ms samples; allocating makes the young generation collect.
    const garbage: number[][] = [];
    for (let i = 0; i < 300_000; i++) garbage.push([i]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const response = await fetch(`http://127.0.0.1:${telemetry.metricsPort}/metrics`);
    expect(garbage).toHaveLength(300_000);
    return new Set(parseSamples(await response.text()).map((s) => s.name));
  } finally {
    await telemetry.shutdown();
  }
}

describe('deploy/grafana/intelroute-dashboard.json', () => {
  const dashboard = readDashboard();
  const queries = dashboardQueries(dashboard);
  const used = new Set(queries.flatMap(selectedMetrics));
  const declared = new Set(
    INSTRUMENTS.flatMap((i) => prometheusSeriesNames(i.name, i.unit, i.kind)),
  );
  let scraped: Set<string>;
  beforeAll(async () => {
    scraped = await scrapeEverything();
  });

  it('declares in metric-names.ts exactly what /metrics shows', () => {
    expect([...declared].filter((name) => !scraped.has(name))).toEqual([]);
    expect([...scraped].filter((name) => !declared.has(name))).toEqual(['target_info']);
  });

  it('queries only series a real scrape has, so it cannot drift from the exporter', () => {
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((name) => !scraped.has(name))).toEqual([]);
  });

  it('shows the gRPC, publish, Kafka, Subscribe and runtime series', () => {
    expect([...used]).toEqual(
      expect.arrayContaining([
        'rpc_server_call_duration_seconds_bucket',
        'rpc_server_call_duration_seconds_count',
        'intelroute_publish_duration_seconds_bucket',
        'messaging_client_operation_duration_seconds_bucket',
        'intelroute_subscribe_subscriptions_open',
        'intelroute_subscribe_deliveries_total',
        'intelroute_subscribe_deliveries_unacked',
        'intelroute_subscribe_resumes_total',
        'nodejs_eventloop_delay_p99_seconds',
        'nodejs_eventloop_time_seconds_total',
        'v8js_gc_duration_seconds_bucket',
        'v8js_memory_heap_used_bytes',
        'process_memory_usage_bytes',
        'process_cpu_time_seconds_total',
      ]),
    );
  });

  it('filters every query by the job and instance variables', () => {
    const panelQueries = allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    for (const query of panelQueries) {
      for (const selector of (query ?? '').match(/[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}/g) ?? []) {
        expect(selector).toContain('job=~"$job", instance=~"$instance"');
      }
    }
  });

  it('is a well-formed dashboard: unique panel ids, one datasource variable, a 24-column grid', () => {
    const panels = allPanels(dashboard);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe('intelroute-overview');
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid).toBe('${datasource}');
      expect(panel.targets?.length).toBeGreaterThan(0);
      const grid = panel.gridPos!;
      expect(grid.x + grid.w).toBeLessThanOrEqual(24);
    }
  });
});
