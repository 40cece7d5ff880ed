import type { IntelrouteConfig } from '../config';
import { ContactPointDirectory } from '../services/readers';
import type { KafkaConnection } from '../kafka/kafka-connection';
import type { Logger } from '../telemetry/logger';

/** What the contact-point directory is built with besides the compiled config. */
export interface DirectoryBuildDeps extends KafkaConnection {
  readonly logger: Logger;
}

/** The contact-point directory of a deployment, from its compiled config (not loaded). */
export function buildContactPointDirectory(
  config: IntelrouteConfig,
  deps: DirectoryBuildDeps,
): ContactPointDirectory {
  return new ContactPointDirectory({
    kafka: deps.kafka,
    admin: deps.admin,
    topicPrefix: config.topics.prefix,
    logger: deps.logger,
  });
}
