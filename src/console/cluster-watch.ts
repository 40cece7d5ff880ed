import { errorText } from '../core/errors';
import { brokerCensus, groupLags } from '../kafka/cluster-census';
import {
  openKafkaConnection,
  type KafkaClient,
  type OwnedKafkaConnection,
} from '../kafka/kafka-connection';
import type { Logger } from '../telemetry/logger';
import type { HealthView, ReaderLag } from './console-model';

export interface ClusterWatchOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  /** Only groups reading topics of this prefix are shown. */
  readonly topicPrefix: string;
  /** Default 5 000 ms. */
  readonly intervalMs?: number;
  /** The most groups asked about per round (the rest are left out), default 100. */
  readonly maxGroups?: number;
}

/** Throwaway groups (the console's own, `audit verify`'s readers) are not readers to watch. */
const THROWAWAY_GROUP = /^intelroute-(console|topic-reader)-/;

/**
 * Asks the cluster, every few seconds, which brokers it has and how far each consumer group is
 * behind the end of each topic it reads: the flow page's broker health and reader lag. A round
 * that fails marks the brokers down, keeps the last lag figures, and opens a new connection
 * next time.
 */
export class ClusterWatch {
  private connection: OwnedKafkaConnection | null = null;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;
  private brokers: HealthView['brokers'] = { state: 'unknown', count: 0, detail: 'not asked yet' };
  private lags: readonly ReaderLag[] = [];

  constructor(private readonly options: ClusterWatchOptions) {}

  start(): void {
    this.round = this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await this.connection?.close();
  }

  brokerHealth(): HealthView['brokers'] {
    return this.brokers;
  }

  readerLags(): readonly ReaderLag[] {
    return this.lags;
  }

  private async poll(): Promise<void> {
    try {
      this.connection ??= await openKafkaConnection(this.options.kafka);
      const census = await brokerCensus(this.connection);
      this.brokers = {
        state: 'up',
        count: census.brokers,
        detail: `${census.brokers} broker(s), controller ${String(census.controller)}`,
      };
      this.lags = await groupLags(this.connection, {
        topicPrefix: this.options.topicPrefix,
        skipGroup: (id) => THROWAWAY_GROUP.test(id),
        maxGroups: this.options.maxGroups ?? 100,
      });
    } catch (error) {
      this.brokers = { state: 'down', count: 0, detail: errorText(error) };
      this.options.logger.debug({ err: errorText(error) }, 'cluster watch round failed');
      await this.connection?.close();
      this.connection = null;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.poll();
    }, this.options.intervalMs ?? 5000);
  }
}
