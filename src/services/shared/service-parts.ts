import { Lifecycle, type FinalState } from '../../core/lifecycle';

/** A part of a service: started once, stopped once. */
export interface ServicePart {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** A stream stage of a service: its state says whether it runs, and when it stopped. */
export interface StreamStage extends ServicePart {
  readonly state: string;
  whenStopped(): Promise<FinalState>;
}

/**
 * The parts of one of intelroute's own services (link detector, request ledger), started in
 * dependency order and stopped once, in reverse: a failed start stops what had started.
 */
export abstract class ServiceParts {
  private readonly stops: Array<() => Promise<void> | void> = [];
  private readonly stages: StreamStage[] = [];
  private readonly lifecycle = new Lifecycle();

  /** Starts the service's parts in order (see startParts). */
  async start(): Promise<void> {
    if (!this.lifecycle.beginStart()) return;
    try {
      await this.startParts();
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.lifecycle.started();
  }

  /** Resolves when any stream stage stops (after stop(), or `failed` when a consumer crashed). */
  whenStopped(): Promise<FinalState> {
    return Promise.race(this.stages.map((stage) => stage.whenStopped()));
  }

  /** Every stream stage running. */
  get running(): boolean {
    return this.stages.length > 0 && this.stages.every((stage) => stage.state === 'running');
  }

  /** Stops what started, in reverse start order. Idempotent. */
  stop(): Promise<void> {
    return this.lifecycle.close('stopped', () => this.stopParts());
  }

  /** Builds and starts the parts, each through part() or stage(), in dependency order. */
  protected abstract startParts(): Promise<void>;

  /** Starts a part; stop() stops it, also when its start failed half-way. */
  protected async part<P extends ServicePart>(part: P): Promise<P> {
    this.stops.push(() => part.stop());
    await part.start();
    return part;
  }

  /** Starts a stream stage: a part whose state counts for `running` and `whenStopped`. */
  protected async stage<S extends StreamStage>(stage: S): Promise<S> {
    await this.part(stage);
    this.stages.push(stage);
    return stage;
  }

  /** Something started by other means, stopped by stop() in its turn. */
  protected onStop(stop: () => Promise<void> | void): void {
    this.stops.push(stop);
  }

  private async stopParts(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop();
  }
}
