import { optionalSigner } from '../audit/writer-keys';
import type { IntelrouteConfig } from '../config';
import { Gateway } from '../gateway/gateway';
import type { KafkaClient } from '../kafka/kafka-connection';
import type { IntelrouteMetrics } from '../telemetry/intelroute-metrics';
import type { Logger } from '../telemetry/logger';

/** What the gateway is built with besides the compiled config. */
export interface GatewayBuildDeps {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly metrics?: IntelrouteMetrics;
  /**
   * Sign the audit chain heads with the gateway's TLS key when one is found (default true, as in
   * production; an unsigned chain fails `audit verify` against trusted keys).
   */
  readonly signHeads?: boolean;
}

/** The gateway of a deployment, from its compiled config (not started). */
export function buildGateway(config: IntelrouteConfig, deps: GatewayBuildDeps): Gateway {
  return new Gateway({
    config: config.gateway,
    topicPrefix: config.topics.prefix,
    memberCountries: config.topics.memberCountries,
    kafka: deps.kafka,
    logger: deps.logger,
    readers: config,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    ...(deps.signHeads === false ? {} : optionalSigner(config)),
  });
}
