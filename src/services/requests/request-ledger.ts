import type { KafkaClient } from '../../kafka/kafka-connection';
import type { GatewayClient } from '../../client';
import { ReaderRuntime, type ReaderSettings } from '../readers';
import { TOPICS, countryTopic } from '../../contract/topic-names';
import { KeyedProducer } from '../../kafka/keyed-producer';
import { KeyedStateProcessor } from '../../kafka/stream/keyed-state-processor';
import { ServiceParts } from '../shared/service-parts';
import { systemPublisher } from '../shared/system-publisher';
import type { IntelrouteMetrics } from '../../telemetry/intelroute-metrics';
import type { Logger } from '../../telemetry/logger';
import { DeadlineWatch } from './deadline-watch';
import type { LedgerEntry } from './ledger-entry';
import type { LedgerEvent } from './ledger-event';
import { ledgerEventHandler, ledgerLogic } from './ledger-logic';
import type { HeadSigner } from '../../audit/head-signature';

/** What the composition root passes to the request ledger. */
export interface RequestLedgerOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly topicPrefix: string;
  /** Every member country: requests and responses travel in their inboxes. */
  readonly memberCountries: readonly string[];
  /** Names the reader's audit chain and both transactional ids; stable across restarts. */
  readonly instanceId: string;
  readonly settings: ReaderSettings;
  readonly checkIntervalMs: number;
  readonly overdueGraceMs: number;
  /** A gateway client with the `urn:intelroute:system:request-ledger` certificate. */
  readonly gateway: Pick<GatewayClient, 'publish' | 'close'>;
  readonly publishTimeoutMs: number;
  readonly metrics?: IntelrouteMetrics;
  /** Signs the observer's audit chain heads. */
  readonly signer?: HeadSigner;
}

/** The consumer groups of the ledger's two stages under a topic prefix. */
export function requestLedgerGroups(prefix: string): { observer: string; ledger: string } {
  return {
    observer: `${prefix}intelroute.requests.observer`,
    ledger: `${prefix}intelroute.requests.ledger`,
  };
}

/**
 * The request-deadline ledger (see README.md in this folder): stage one reads every inbox and the
 * Secretariat stream as a reader and turns requests and responses into ledger events
 * keyed by request id (`intel.v1.requests.events`); stage two folds them into the ledger
 * (`intel.v1.requests.ledger`) per partition; the deadline watch sends one overdue notice per
 * silent recipient through the gateway. Started in dependency order, stopped in reverse.
 */
export class RequestLedger extends ServiceParts {
  private ledger: KeyedStateProcessor<LedgerEvent, LedgerEntry> | undefined;

  constructor(private readonly options: RequestLedgerOptions) {
    super();
  }

  /**
   * Starts the ledger, the events producer, the deadline watch and the observer.
   * @throws IntelrouteError KAFKA_UNAVAILABLE, KAFKA_TOPIC_MISSING, TOPIC_PLAN_CONFLICT (what
   *   started is stopped again).
   */
  protected async startParts(): Promise<void> {
    const { kafka, logger, topicPrefix } = this.options;
    const ledger = await this.stage(this.createLedger());
    this.ledger = ledger;
    const topic = `${topicPrefix}${TOPICS.requestEvents}`;
    const producer = await this.part(new KeyedProducer({ kafka, topic, logger }));
    await this.part(this.createWatch(ledger, producer));
    await this.stage(this.createObserver(producer));
  }

  /** The entries this instance owns now (tests, diagnostics). */
  entries(): LedgerEntry[] {
    return [...(this.ledger?.snapshot().values() ?? [])].flatMap((store) => [...store.values()]);
  }

  private createLedger(): KeyedStateProcessor<LedgerEvent, LedgerEntry> {
    const { kafka, logger, topicPrefix, instanceId, settings } = this.options;
    return new KeyedStateProcessor({
      kafka,
      logger: logger.child({ component: 'request-ledger' }),
      group: requestLedgerGroups(topicPrefix).ledger,
      instanceId,
      inputTopic: `${topicPrefix}${TOPICS.requestEvents}`,
      changelogTopic: `${topicPrefix}${TOPICS.requestLedger}`,
      settings,
      logic: ledgerLogic(),
    });
  }

  private createWatch(
    ledger: KeyedStateProcessor<LedgerEvent, LedgerEntry>,
    producer: KeyedProducer,
  ): DeadlineWatch {
    const { logger, settings } = this.options;
    const publisher = systemPublisher({
      client: this.options.gateway,
      publishTimeoutMs: this.options.publishTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      logger: logger.child({ component: 'overdue-notices' }),
    });
    this.onStop(() => publisher.close());
    return new DeadlineWatch({
      entries: () => [...ledger.snapshot().values()].flatMap((store) => [...store.values()]),
      publisher,
      producer,
      checkIntervalMs: this.options.checkIntervalMs,
      overdueGraceMs: this.options.overdueGraceMs,
      logger,
    });
  }

  private createObserver(producer: KeyedProducer): ReaderRuntime {
    const { kafka, logger, topicPrefix, instanceId, settings, metrics } = this.options;
    const inboxes = [...new Set(this.options.memberCountries)].sort().map(countryTopic);
    return new ReaderRuntime({
      kafka,
      logger,
      stream: {
        name: 'requests-observer',
        group: requestLedgerGroups(topicPrefix).observer,
        topics: [TOPICS.secretariat, ...inboxes].map((topic) => `${topicPrefix}${topic}`),
      },
      instanceId,
      topicPrefix,
      handler: ledgerEventHandler({ producer, logger }),
      settings,
      ...(metrics === undefined ? {} : { metrics }),
      ...(this.options.signer === undefined ? {} : { signer: this.options.signer }),
    });
  }
}
