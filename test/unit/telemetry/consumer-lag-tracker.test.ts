import { ConsumerLagTracker } from '../../../src/telemetry/consumer-lag-tracker';

describe('ConsumerLagTracker', () => {
  it('sums, per topic, how far each partition is behind its high watermark', () => {
    const lag = new ConsumerLagTracker('intelroute.reader.country.FR');
    lag.record('intel.v1.country.FR', 0, '100', '89'); // 10 behind
    lag.record('intel.v1.country.FR', 1, '50', '49'); // caught up
    lag.record('intel.v1.broadcast', 0, '7', '3'); // 3 behind
    lag.record('intel.v1.country.FR', 0, '100', '94'); // later batch replaces: 5 behind
    expect(lag.samples()).toEqual([
      { group: 'intelroute.reader.country.FR', topic: 'intel.v1.country.FR', lag: 5 },
      { group: 'intelroute.reader.country.FR', topic: 'intel.v1.broadcast', lag: 3 },
    ]);
  });

  it('forgets partitions lost in a rebalance, and ignores offsets that are not numbers', () => {
    const lag = new ConsumerLagTracker('g');
    lag.record('t', 0, '10', '4');
    lag.record('t', 1, 'x', '1');
    lag.forget('t', 0);
    expect(lag.samples()).toEqual([]);
  });

  it('handles 64-bit offsets beyond Number precision', () => {
    const lag = new ConsumerLagTracker('g');
    lag.record('t', 0, '9223372036854775000', '9223372036854774990');
    expect(lag.samples()).toEqual([{ group: 'g', topic: 't', lag: 9 }]);
  });
});
