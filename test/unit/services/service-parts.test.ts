import { Lifecycle, type FinalState } from '../../../src/core/lifecycle';
import { ServiceParts, type StreamStage } from '../../../src/services/shared/service-parts';

/** A part that records its start and stop in `log`. */
function part(name: string, log: string[], failStart = false) {
  return {
    start: async () => {
      log.push(`start ${name}`);
      if (failStart) throw new Error(`${name} cannot start`);
    },
    stop: async () => {
      log.push(`stop ${name}`);
    },
  };
}

/** A stream stage whose lifecycle the test drives. */
function stage(name: string, log: string[]): StreamStage & { fail(): void } {
  const lifecycle = new Lifecycle();
  return {
    get state() {
      return lifecycle.state;
    },
    whenStopped: (): Promise<FinalState> => lifecycle.whenStopped(),
    start: async () => {
      log.push(`start ${name}`);
      lifecycle.beginStart();
      lifecycle.started();
    },
    stop: () => {
      log.push(`stop ${name}`);
      return lifecycle.close('stopped', async () => undefined);
    },
    fail: () => void lifecycle.close('failed', async () => undefined),
  };
}

class TwoStages extends ServiceParts {
  readonly log: string[] = [];
  readonly first = stage('index', this.log);
  readonly second = stage('observer', this.log);

  constructor(private readonly failing?: string) {
    super();
  }

  protected async startParts(): Promise<void> {
    this.onStop(() => void this.log.push('stop connection'));
    await this.stage(this.first);
    await this.part(part('producer', this.log, this.failing === 'producer'));
    await this.stage(this.second);
  }
}

describe('ServiceParts', () => {
  it('starts parts in order and stops them once, in reverse', async () => {
    const service = new TwoStages();
    await service.start();
    expect(service.running).toBe(true);
    await Promise.all([service.stop(), service.stop()]);
    expect(service.log).toEqual([
      'start index',
      'start producer',
      'start observer',
      'stop observer',
      'stop producer',
      'stop index',
      'stop connection',
    ]);
    expect(service.running).toBe(false);
  });

  it('a failed start stops what started, the failing part too, and rethrows', async () => {
    const service = new TwoStages('producer');
    await expect(service.start()).rejects.toThrow('producer cannot start');
    expect(service.log).toEqual([
      'start index',
      'start producer',
      'stop producer',
      'stop index',
      'stop connection',
    ]);
  });

  it('reports a stage that failed by itself', async () => {
    const service = new TwoStages();
    await service.start();
    service.second.fail();
    await expect(service.whenStopped()).resolves.toBe('failed');
    expect(service.running).toBe(false);
    await service.stop();
  });
});
