import type { KafkaAdmin, KafkaClient } from './kafka-connection';
import type { Logger } from '../telemetry/logger';
import { withDeadline } from './with-deadline';

export interface KafkaLivenessOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  /** How often the cluster is asked for its metadata (default 1,000 ms). */
  readonly intervalMs?: number;
  /** A probe not answered by then counts as failed (default 2,500 ms). */
  readonly probeTimeoutMs?: number;
  /** Kafka counts as down once no probe succeeded for this long (default 5,000 ms). */
  readonly downAfterMs?: number;
  readonly now?: () => number;
  /** Called on every change: true when Kafka answers again, false when it stopped answering. */
  readonly onChange?: (alive: boolean) => void;
}

/**
 * Whether the Kafka cluster answers, known without waiting for traffic: a metadata request every
 * `intervalMs` on a connection of its own, with no retries (a retrying client would hide the
 * outage behind its backoff). A dead broker refuses the connection at once; a frozen one leaves
 * the probe unanswered: either way, `downAfterMs` after the last answer (within 6 s by default)
 * `alive` turns false, and the first answer after it returns (within about a second of it
 * answering again) turns it true. Health checks read it; nothing is refused because of it alone.
 */
export class KafkaLiveness {
  private readonly admin: KafkaAdmin;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private lastAnswerMs = 0;
  private connected = false;
  private currentlyAlive = true;

  constructor(private readonly options: KafkaLivenessOptions) {
    this.admin = options.kafka.admin({ retry: { retries: 0 } });
    this.now = options.now ?? Date.now;
  }

  get alive(): boolean {
    return this.currentlyAlive;
  }

  /** Starts probing; Kafka counts as alive from now until a probe says otherwise. */
  start(): void {
    if (this.timer !== undefined) return;
    this.lastAnswerMs = this.now();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
    this.tick();
  }

  /** Stops probing and closes its connection. Idempotent. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.admin.disconnect().catch(() => undefined);
  }

  private tick(): void {
    // One probe at a time: an unanswered one (a frozen broker) is the news.
    this.probing ??= this.probe().finally(() => (this.probing = undefined));
    this.update();
  }

  private async probe(): Promise<void> {
    const deadline = this.now() + (this.options.probeTimeoutMs ?? 2500);
    const answered = await withDeadline(this.ask(), deadline).catch(() => false);
    if (answered === true) this.lastAnswerMs = this.now();
    this.update();
  }

  private async ask(): Promise<boolean> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    try {
      await this.admin.describeCluster();
      return true;
    } catch (error) {
      // Reconnect next time: kafkajs may keep a broken connection.
      this.connected = false;
      await this.admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private update(): void {
    const alive = this.now() - this.lastAnswerMs < (this.options.downAfterMs ?? 5000);
    if (alive === this.currentlyAlive) return;
    this.currentlyAlive = alive;
    if (alive) this.options.logger.info('Kafka answers again');
    else
      this.options.logger.warn(
        { sinceMs: this.now() - this.lastAnswerMs },
        'Kafka does not answer',
      );
    this.options.onChange?.(alive);
  }
}
