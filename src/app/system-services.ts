import { optionalSigner } from '../audit/writer-keys';
import type { IntelrouteConfig } from '../config';
import { readerSettings, type ReaderState } from '../services/readers';
import type { KafkaClient } from '../kafka/kafka-connection';
import { LinkDetector } from '../services/links/detector/link-detector';
import { readLinkSecret, systemClientSettings } from '../services/shared/service-config';
import {
  systemGatewayClient,
  type SystemClientSettings,
} from '../services/shared/system-publisher';
import { RequestLedger } from '../services/requests/request-ledger';
import type { IntelrouteMetrics } from '../telemetry/intelroute-metrics';
import type { Logger } from '../telemetry/logger';

/** A long-running service of intelroute's own (link detector, request ledger). */
export interface SystemService {
  start(): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
  whenStopped(): Promise<ReaderState>;
  readonly running: boolean;
}

/** Resolves when `service` stops by itself because a consumer failed (never otherwise). */
export function whenServiceFailed(service: SystemService): Promise<string> {
  return service
    .whenStopped()
    .then((state) =>
      state === 'failed' ? 'a Kafka consumer failed' : new Promise<string>(() => undefined),
    );
}

/** What every system service is built with besides the config. */
export interface SystemServiceDeps {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly instanceId: string;
  readonly metrics?: IntelrouteMetrics;
  /** Where its gateway client connects (default: systemClientSettings(config)). */
  readonly client?: SystemClientSettings;
}

/**
 * The link detector from the compiled config: its secret read once, its gateway client with the
 * `urn:intelroute:system:link-detector` certificate.
 * @throws IntelrouteError CONFIG_INVALID, LINK_SECRET_INVALID (see readLinkSecret).
 */
export function buildLinkDetector(config: IntelrouteConfig, deps: SystemServiceDeps): LinkDetector {
  const secret = readLinkSecret(config);
  return new LinkDetector({
    ...common(config, deps, 'link-detector'),
    secret,
    maxObservationsPerSelector: config.links.maxObservationsPerSelector,
  });
}

/** The request-deadline ledger from the compiled config. */
export function buildRequestLedger(
  config: IntelrouteConfig,
  deps: SystemServiceDeps,
): RequestLedger {
  return new RequestLedger({
    ...common(config, deps, 'request-ledger'),
    memberCountries: config.topics.memberCountries,
    checkIntervalMs: config.requests.checkIntervalMs,
    overdueGraceMs: config.requests.overdueGraceMs,
  });
}

function common(config: IntelrouteConfig, deps: SystemServiceDeps, component: string) {
  const client = deps.client ?? systemClientSettings(config);
  return {
    kafka: deps.kafka,
    logger: deps.logger,
    topicPrefix: config.topics.prefix,
    instanceId: deps.instanceId,
    settings: readerSettings(config),
    gateway: systemGatewayClient(client, component),
    publishTimeoutMs: config.systemClient.publishTimeoutMs,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    ...optionalSigner(config),
  };
}
