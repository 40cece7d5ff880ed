import { backoffDelayMs } from '../../../src/core/backoff';

describe('backoffDelayMs', () => {
  const policy = { initialMs: 200, maxMs: 5000 };
  const middle = (): number => 0.5; // no jitter displacement

  it('doubles from the initial wait and stops growing at the cap', () => {
    const schedule = [1, 2, 3, 4, 5, 6, 7].map((attempt) =>
      backoffDelayMs(attempt, policy, middle),
    );
    expect(schedule).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('spreads each wait by at most ±20% by default, never above the cap', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(640);
    expect(backoffDelayMs(3, policy, () => 0.999999)).toBe(960);
    expect(backoffDelayMs(10, policy, () => 0.999999)).toBe(5000);
  });

  it('honours another multiplier and no jitter, and survives huge attempt numbers', () => {
    const triple = { initialMs: 10, maxMs: 1000, multiplier: 3, jitter: 0 };
    expect([1, 2, 3].map((a) => backoffDelayMs(a, triple, () => 0))).toEqual([10, 30, 90]);
    expect(backoffDelayMs(100_000, policy, middle)).toBe(5000);
    expect(backoffDelayMs(0, policy, middle)).toBe(200);
  });
});
