import {
  openKafkaConnection,
  type KafkaClient,
  type OwnedKafkaConnection,
} from '../../../kafka/kafka-connection';
import { auditTopicsFor } from '../../../audit';
import { IntelrouteError } from '../../../core/errors';
import type { TransactionalWriter } from '../../../kafka/transactional-writer';
import {
  globalIntelrouteMetrics,
  type IntelrouteMetrics,
  type SubscribeStreamKind,
  type SubscriptionSample,
} from '../../../telemetry/intelroute-metrics';
import type { Logger } from '../../../telemetry/logger';
import { streamTopics, subscriberGroup, type StreamSelector } from '../reader-streams';
import type { ReaderEvent } from '../runtime/reader-events';
import type { ReaderSettings } from '../runtime/reader-settings';
import { startReaderWriter } from '../runtime/reader-writer';
import { Subscription, type SubscriptionDelivery } from './subscription';
import type { HeadSigner } from '../../../audit/head-signature';

/** An authorised subscriber: who, which stream, and what `authorizeSubscribe` lets it see. */
export interface SubscribeGrant {
  readonly identityUrn: string;
  readonly stream: StreamSelector;
  readonly messageTypes: readonly string[] | 'all';
  readonly agencyReader: boolean;
}

/** Per call: the client's window and where deliveries go. */
export interface OpenSubscriptionOptions {
  /** Unacked deliveries the client accepts (SubscribeStart.max_in_flight; 0 = the default). */
  readonly maxInFlight?: number;
  readonly onDelivery: (delivery: SubscriptionDelivery) => void;
  /** The subscription ended on its own (consumer crash): end the call with UNAVAILABLE. */
  readonly onEnd?: (error: Error) => void;
}

/** What the service is built from: the gateway's client, prefix, instance id and limits. */
export interface SubscriptionServiceOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly topicPrefix: string;
  /** The gateway's instance id: names the service's transactional id and audit chain. */
  readonly instanceId: string;
  readonly settings: ReaderSettings;
  readonly defaultMaxInFlight: number;
  readonly maxInFlightLimit: number;
  /** Signs the service's audit chain heads (the gateway's signer). */
  readonly signer?: HeadSigner;
  /** Default: the instruments of the global MeterProvider (those `startTelemetry` registered). */
  readonly metrics?: IntelrouteMetrics;
}

/**
 * The subscription core behind gRPC Subscribe (gRPC-free): one active subscription per identity,
 * each a member of `intelroute.subscriber.<urn>`, all committing through one transactional
 * writer whose audit chain is `<instanceId>-subscriptions`. start() before open(), stop() after
 * the gRPC server stopped taking calls.
 */
export class SubscriptionService {
  private readonly active = new Map<string, Subscription | 'opening'>();
  private connection: OwnedKafkaConnection | undefined;
  private writer: TransactionalWriter<ReaderEvent> | undefined;
  private readonly logger: Logger;
  private readonly metrics: IntelrouteMetrics;
  /** Metrics only: each subscription's stream kind, and the identities served before. */
  private readonly streamKinds = new WeakMap<Subscription, SubscribeStreamKind>();
  private readonly served = new Set<string>();
  private unobserve: (() => void) | undefined;

  constructor(private readonly options: SubscriptionServiceOptions) {
    this.logger = options.logger.child({ component: 'subscriptions' });
    this.metrics = options.metrics ?? globalIntelrouteMetrics();
  }

  /** Number of active subscriptions. */
  get size(): number {
    return this.active.size;
  }

  /** Starts the writer and loads its audit chain. @throws IntelrouteError KAFKA_UNAVAILABLE */
  async start(): Promise<void> {
    if (this.writer !== undefined) return;
    const { kafka, topicPrefix, instanceId } = this.options;
    this.connection = await openKafkaConnection(kafka);
    this.writer = await startReaderWriter({
      kafka,
      admin: this.connection.admin,
      logger: this.logger,
      transactionalId: `${topicPrefix}intelroute.subscriptions.${instanceId}`,
      chainId: `${instanceId}-subscriptions`,
      auditTopics: auditTopicsFor(topicPrefix),
      ...(this.options.signer === undefined ? {} : { signer: this.options.signer }),
    });
    this.unobserve ??= this.metrics.observeSubscriptions(() => this.samples());
  }

  /**
   * Opens the identity's subscription and starts delivering; close it with `stop()` when the
   * call ends. @throws IntelrouteError SUBSCRIPTION_ALREADY_ACTIVE (the identity has one),
   * SHUTTING_DOWN (not started or stopping), KAFKA_UNAVAILABLE.
   */
  async open(grant: SubscribeGrant, options: OpenSubscriptionOptions): Promise<Subscription> {
    const writer = this.writer;
    if (writer === undefined)
      throw new IntelrouteError('SHUTTING_DOWN', 'subscriptions are not being served');
    const urn = grant.identityUrn;
    if (this.active.has(urn)) {
      throw new IntelrouteError(
        'SUBSCRIPTION_ALREADY_ACTIVE',
        `${urn} already has an active subscription`,
      );
    }
    this.active.set(urn, 'opening'); // before any await: a concurrent open sees it
    const subscription = this.create(grant, options, writer);
    try {
      await subscription.start();
    } catch (error) {
      this.active.delete(urn);
      throw error;
    }
    this.active.set(urn, subscription);
    if (this.served.has(urn))
      this.metrics.subscribeStream(grant.stream.kind).resumed('resubscribe');
    else this.served.add(urn);
    void subscription.whenStopped().then(() => {
      if (this.active.get(urn) === subscription) this.active.delete(urn);
    });
    return subscription;
  }

  /** Stops every subscription (acks received are committed), then the writer. Idempotent. */
  async stop(): Promise<void> {
    this.unobserve?.();
    this.unobserve = undefined;
    const running = [...this.active.values()].filter((s): s is Subscription => s !== 'opening');
    await Promise.all(running.map((subscription) => subscription.stop()));
    await this.writer?.stop();
    this.writer = undefined;
    await this.connection?.close();
    this.connection = undefined;
  }

  private create(
    grant: SubscribeGrant,
    options: OpenSubscriptionOptions,
    writer: TransactionalWriter<ReaderEvent>,
  ): Subscription {
    const { topicPrefix, settings } = this.options;
    const asked = options.maxInFlight ?? 0;
    const maxInFlight = Math.min(
      asked > 0 ? asked : this.options.defaultMaxInFlight,
      this.options.maxInFlightLimit,
    );
    const subscription = new Subscription({
      kafka: this.options.kafka,
      logger: this.logger,
      writer,
      identityUrn: grant.identityUrn,
      group: subscriberGroup(grant.identityUrn, topicPrefix),
      topics: streamTopics(grant.stream, topicPrefix),
      filter: { messageTypes: grant.messageTypes, agencyReader: grant.agencyReader },
      maxInFlight,
      settings,
      onDelivery: options.onDelivery,
      ...(options.onEnd === undefined ? {} : { onEnd: options.onEnd }),
      metrics: this.metrics.subscribeStream(grant.stream.kind),
    });
    this.streamKinds.set(subscription, grant.stream.kind);
    return subscription;
  }

  /** Open subscriptions and their unacked deliveries, for the gauges. */
  private *samples(): Iterable<SubscriptionSample> {
    for (const subscription of this.active.values()) {
      if (subscription === 'opening') continue;
      const stream = this.streamKinds.get(subscription);
      if (stream !== undefined) yield { stream, unacked: subscription.inFlight };
    }
  }
}
