import { Lifecycle, type LifecycleState } from '../../../src/core/lifecycle';

describe('Lifecycle', () => {
  it('goes idle → starting → running → stopping → stopped, telling listeners each step', async () => {
    const lifecycle = new Lifecycle();
    const seen: LifecycleState[] = [];
    lifecycle.onChange((state) => seen.push(state));
    expect(lifecycle.beginStart()).toBe(true);
    lifecycle.started();
    await lifecycle.close('stopped', async () => undefined);
    expect(seen).toEqual(['starting', 'running', 'stopping', 'stopped']);
    await expect(lifecycle.whenStopped()).resolves.toBe('stopped');
  });

  it('starts once: a second start is refused', () => {
    const lifecycle = new Lifecycle();
    expect(lifecycle.beginStart()).toBe(true);
    expect(lifecycle.beginStart()).toBe(false);
  });

  it('closes once: concurrent stops and a failure share the first close and its final state', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.beginStart();
    lifecycle.started();
    let runs = 0;
    let finish: () => void = () => undefined;
    const work = () => {
      runs += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const first = lifecycle.close('failed', work);
    const second = lifecycle.close('stopped', work);
    expect(lifecycle.state).toBe('stopping');
    finish();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    expect(lifecycle.state).toBe('failed');
    await expect(lifecycle.whenStopped()).resolves.toBe('failed');
  });

  it('a close during the start wins: started() does not mark it running', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.beginStart();
    await lifecycle.close('stopped', async () => undefined);
    lifecycle.started();
    expect(lifecycle.state).toBe('stopped');
  });

  it('settles as its final state even when the close work throws', async () => {
    const lifecycle = new Lifecycle();
    const closing = lifecycle.close('stopped', async () => {
      throw new Error('disconnect failed');
    });
    await expect(closing).rejects.toThrow('disconnect failed');
    expect(lifecycle.state).toBe('stopped');
    await expect(lifecycle.whenStopped()).resolves.toBe('stopped');
  });
});
