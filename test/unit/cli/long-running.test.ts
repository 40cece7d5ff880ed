import { runUntilStopped } from '../../../src/cli/long-running';
import { silentLogger } from '../../../src/telemetry/logger';

describe('runUntilStopped', () => {
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  let exit: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers();
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });
  afterEach(() => {
    exit.mockRestore();
    jest.useRealTimers();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      before[signal].forEach((listener) => process.on(signal, listener));
    }
  });

  it('ends a process still held after its stop at the grace period’s end, counted from the signal', async () => {
    const run = runUntilStopped({
      name: 'service',
      logger: silentLogger(),
      graceMs: 1000,
      start: async () => undefined,
      stop: () => new Promise((resolve) => setTimeout(resolve, 900)),
    });
    await jest.advanceTimersByTimeAsync(0);
    process.emit('SIGTERM', 'SIGTERM');
    await jest.advanceTimersByTimeAsync(900);
    await expect(run).resolves.toEqual({ kind: 'signal', signal: 'SIGTERM' });
    expect(exit).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(100);
    expect(exit).toHaveBeenCalledWith(0);
  });
});
