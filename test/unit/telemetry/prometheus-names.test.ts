import { attributesBy2, attributesBy3 } from '../../../src/telemetry/metric-labels';
import { INSTRUMENTS, METRIC } from '../../../src/telemetry/metric-names';
import {
  prometheusSeriesNames,
  unitSuffix,
  withUnitSuffix,
} from '../../../src/telemetry/prometheus-names';

describe('OpenTelemetry → Prometheus names', () => {
  it('turns units into suffixes as the compatibility spec says', () => {
    expect(unitSuffix('s', 'histogram')).toBe('seconds');
    expect(unitSuffix('ms', 'histogram')).toBe('milliseconds');
    expect(unitSuffix('By', 'gauge')).toBe('bytes');
    expect(unitSuffix('1', 'gauge')).toBe('ratio');
    expect(unitSuffix('1', 'counter')).toBe('');
    expect(unitSuffix('{message}', 'counter')).toBe('');
    expect(unitSuffix('By/s', 'gauge')).toBe('bytes_per_seconds');
    expect(unitSuffix('', 'gauge')).toBe('');
  });

  it('adds the unit once, then `_total` to counters and `_bucket/_sum/_count` to histograms', () => {
    expect(withUnitSuffix('rpc.server.call.duration', 's', 'histogram')).toBe(
      'rpc.server.call.duration_seconds',
    );
    expect(withUnitSuffix('request.duration_seconds', 's', 'histogram')).toBe(
      'request.duration_seconds',
    );
    expect(prometheusSeriesNames('rpc.server.call.duration', 's', 'histogram')).toEqual([
      'rpc_server_call_duration_seconds_bucket',
      'rpc_server_call_duration_seconds_sum',
      'rpc_server_call_duration_seconds_count',
    ]);
    expect(prometheusSeriesNames('process.cpu.time', 's', 'counter')).toEqual([
      'process_cpu_time_seconds_total',
    ]);
    expect(prometheusSeriesNames(METRIC.messagesReceived, '{message}', 'counter')).toEqual([
      'intelroute_gateway_messages_received_total',
    ]);
    expect(prometheusSeriesNames('nodejs.eventloop.utilization', '1', 'gauge')).toEqual([
      'nodejs_eventloop_utilization_ratio',
    ]);
  });

  it('keeps every seconds histogram named with `_seconds`, and no millisecond instrument left', () => {
    const names = INSTRUMENTS.flatMap((i) => prometheusSeriesNames(i.name, i.unit, i.kind));
    expect(names).toEqual(
      expect.arrayContaining([
        'rpc_server_call_duration_seconds_bucket',
        'intelroute_publish_duration_seconds_bucket',
        'messaging_client_operation_duration_seconds_bucket',
        'v8js_gc_duration_seconds_bucket',
        'intelroute_subscribe_deliveries_total',
        'intelroute_subscribe_resumes_total',
        'intelroute_subscribe_subscriptions_open',
        'intelroute_subscribe_deliveries_unacked',
      ]),
    );
    expect(INSTRUMENTS.filter((i) => i.unit === 'ms')).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('attribute tables', () => {
  it('hand back the same frozen object for the same labels, so recording allocates nothing', () => {
    let built = 0;
    const table = attributesBy2((a, b) => {
      built += 1;
      return { a, b };
    });
    const first = table('seizure-report', 'FR');
    expect(table('seizure-report', 'FR')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(table('seizure-report', 'DE')).toEqual({ a: 'seizure-report', b: 'DE' });
    expect(built).toBe(2);
    const three = attributesBy3((a, b, c) => ({ a, b, c }));
    expect(three('x', 'y', 'z')).toBe(three('x', 'y', 'z'));
  });

  it('stop keeping new combinations past their bound, and still answer them', () => {
    const table = attributesBy2((a, b) => ({ a, b }), 2);
    table('1', '1');
    table('1', '2');
    const third = table('1', '3');
    expect(third).toEqual({ a: '1', b: '3' });
    expect(table('1', '3')).not.toBe(third);
    expect(table('1', '1')).toBe(table('1', '1'));
  });
});
