import { AckLatencyWindow } from '../../../src/console/ack-latency-window';

describe('the ack latency window', () => {
  it('summarises the last window of seconds within 4 % and forgets older ones', () => {
    let now = 1_000_000;
    const window = new AckLatencyWindow(60, () => now);
    expect(window.summary()).toBeNull();
    for (let ms = 1; ms <= 100; ms += 1) window.record(ms);
    const summary = window.summary()!;
    expect(summary.count).toBe(100);
    expect(summary.p50Ms).toBeGreaterThanOrEqual(50);
    expect(summary.p50Ms).toBeLessThanOrEqual(52);
    expect(summary.p99Ms).toBeGreaterThanOrEqual(99);
    expect(summary.p99Ms).toBeLessThanOrEqual(100);
    expect(summary.maxMs).toBe(100);
    now += 30_000;
    window.record(5);
    expect(window.summary()!.count).toBe(101);
    now += 31_000; // the first second is now out of the window
    expect(window.summary()).toEqual({ count: 1, p50Ms: 5, p99Ms: 5, maxMs: 5 });
  });

  it('ignores what is not a duration', () => {
    const window = new AckLatencyWindow();
    window.record(Number.NaN);
    window.record(-1);
    expect(window.summary()).toBeNull();
  });
});
