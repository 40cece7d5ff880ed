import type { GatewayProcess, MemorySample } from './gateway-process';

/** Reads the gateway child's RSS every `intervalMs` while a measurement runs. */
export class MemorySampler {
  private readonly samples: MemorySample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly gateway: GatewayProcess,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.take(), intervalMs);
    this.timer.unref();
    this.take();
  }

  /** Stops sampling and returns every sample (a last one taken now). */
  stop(): MemorySample[] {
    clearInterval(this.timer);
    this.take();
    return [...this.samples];
  }

  private take(): void {
    try {
      this.samples.push(this.gateway.memory());
    } catch {
      // The child exited: nothing more to read.
    }
  }
}
