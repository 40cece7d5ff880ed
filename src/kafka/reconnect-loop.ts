import { backoffDelayMs } from '../core/backoff';
import type { Logger } from '../telemetry/logger';

export interface ReconnectLoopOptions {
  readonly attempt: () => Promise<void>;
  readonly logger: Logger;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Retries `attempt` with exponential backoff and full jitter (core/backoff, jitter 1: anywhere
 * from no wait to twice the step) until it succeeds or `cancel()` is called. The first attempt
 * waits too, so writers thrown off together do not reconnect together. One loop at a time:
 * `begin()` while running is a no-op.
 */
export class ReconnectLoop {
  private running = false;
  private cancelled = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: ReconnectLoopOptions) {}

  begin(): void {
    if (this.running) return;
    this.running = true;
    this.cancelled = false;
    void this.loop();
  }

  cancel(): void {
    this.cancelled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
  }

  private async loop(): Promise<void> {
    const policy = {
      initialMs: this.options.initialDelayMs ?? 200,
      maxMs: this.options.maxDelayMs ?? 5000,
      jitter: 1,
    };
    try {
      for (let attempt = 1; !this.cancelled; attempt++) {
        await this.sleep(backoffDelayMs(attempt, policy));
        if (this.cancelled) return;
        try {
          await this.options.attempt();
          this.options.logger.info({ attempt }, 'reconnected to Kafka');
          return;
        } catch (error) {
          this.options.logger.warn(
            { attempt, err: error instanceof Error ? error.message : String(error) },
            'Kafka still unavailable',
          );
        }
      }
    } finally {
      this.running = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}
