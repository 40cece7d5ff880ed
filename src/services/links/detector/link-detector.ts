import { openKafkaConnection, type KafkaClient } from '../../../kafka/kafka-connection';
import { ContactPointDirectory, ReaderRuntime, type ReaderSettings } from '../../readers';
import { TOPICS } from '../../../contract/topic-names';
import type { IntelrouteMetrics } from '../../../telemetry/intelroute-metrics';
import type { Logger } from '../../../telemetry/logger';
import { KeyedProducer } from '../../../kafka/keyed-producer';
import { KeyedStateProcessor } from '../../../kafka/stream/keyed-state-processor';
import { ServiceParts } from '../../shared/service-parts';
import { systemPublisher } from '../../shared/system-publisher';
import type { GatewayClient } from '../../../client';
import { alertContactPoint } from './alert-envelope';
import { linkIndexLogic } from './link-index-logic';
import type { LinkState } from './link-state';
import { observationHandler } from './observation-handler';
import type { SelectorObservation } from './observation-types';
import type { HeadSigner } from '../../../audit/head-signature';

/** What the composition root passes to the link detector. */
export interface LinkDetectorOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly topicPrefix: string;
  /** Names the reader's audit chain and both transactional ids; stable across restarts. */
  readonly instanceId: string;
  /** The network secret (at least 32 bytes). Never logged. */
  readonly secret: Uint8Array;
  readonly settings: ReaderSettings;
  readonly maxObservationsPerSelector: number;
  /** A gateway client with the `urn:intelroute:system:link-detector` certificate. */
  readonly gateway: Pick<GatewayClient, 'publish' | 'close'>;
  readonly publishTimeoutMs: number;
  readonly metrics?: IntelrouteMetrics;
  /** Signs the observer's audit chain heads. */
  readonly signer?: HeadSigner;
}

/** The consumer groups of the detector's two stages under a topic prefix. */
export function linkDetectorGroups(prefix: string): { observer: string; index: string } {
  return {
    observer: `${prefix}intelroute.links.observer`,
    index: `${prefix}intelroute.links.index`,
  };
}

/**
 * The link detector (see README.md in this folder): stage one reads the Secretariat stream as a
 * reader and re-keys each report's selector observations to `intel.v1.selectors`; stage two
 * folds them into the index (`intel.v1.links.state`) per partition and sends link alerts through
 * the gateway. Started in dependency order, stopped in reverse.
 */
export class LinkDetector extends ServiceParts {
  constructor(private readonly options: LinkDetectorOptions) {
    super();
  }

  /**
   * Loads and follows the directory, starts the index, then the observer.
   * @throws IntelrouteError KAFKA_UNAVAILABLE, KAFKA_TOPIC_MISSING, TOPIC_PLAN_CONFLICT (what
   *   started is stopped again).
   */
  protected async startParts(): Promise<void> {
    const { kafka, topicPrefix, logger } = this.options;
    const connection = await openKafkaConnection(kafka);
    this.onStop(() => connection.close());
    const { admin } = connection;
    const directory = await this.part(
      new ContactPointDirectory({ kafka, admin, topicPrefix, logger }),
    );
    await this.stage(this.createIndex(directory));
    const topic = `${topicPrefix}${TOPICS.linkSelectors}`;
    const producer = await this.part(new KeyedProducer({ kafka, topic, logger }));
    await this.stage(this.createObserver(producer));
  }

  private createIndex(
    directory: ContactPointDirectory,
  ): KeyedStateProcessor<SelectorObservation, LinkState> {
    const { kafka, logger, topicPrefix, instanceId, settings } = this.options;
    const publisher = systemPublisher({
      client: this.options.gateway,
      publishTimeoutMs: this.options.publishTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      logger: logger.child({ component: 'link-alerts' }),
    });
    this.onStop(() => publisher.close());
    return new KeyedStateProcessor({
      kafka,
      logger: logger.child({ component: 'link-index' }),
      group: linkDetectorGroups(topicPrefix).index,
      instanceId,
      inputTopic: `${topicPrefix}${TOPICS.linkSelectors}`,
      changelogTopic: `${topicPrefix}${TOPICS.linkState}`,
      settings,
      logic: linkIndexLogic({
        publisher,
        contactPoint: (country) => alertContactPoint(directory.lookupContactPoint(country)),
        maxObservationsPerSelector: this.options.maxObservationsPerSelector,
        logger,
      }),
    });
  }

  private createObserver(producer: KeyedProducer): ReaderRuntime {
    const { kafka, logger, topicPrefix, instanceId, settings, secret, metrics } = this.options;
    return new ReaderRuntime({
      kafka,
      logger,
      stream: {
        name: 'links-observer',
        group: linkDetectorGroups(topicPrefix).observer,
        topics: [`${topicPrefix}${TOPICS.secretariat}`],
      },
      instanceId,
      topicPrefix,
      handler: observationHandler({ producer, secret, logger }),
      settings,
      ...(metrics === undefined ? {} : { metrics }),
      ...(this.options.signer === undefined ? {} : { signer: this.options.signer }),
    });
  }
}
