import type { Command } from 'commander';
import type { IntelrouteConfig } from '../../config';
import {
  buildLinkDetector,
  whenServiceFailed,
  type SystemService,
} from '../../app/system-services';
import { readerInstanceId } from '../../services/readers';
import { IntelrouteError } from '../../core/errors';
import { parseIdentityUrn } from '../../identity/parse-identity-urn';
import type { KafkaClient } from '../../kafka/kafka-connection';
import { createKafkaClient } from '../../kafka/kafka-client';
import { KafkaLiveness } from '../../kafka/kafka-liveness';
import { linksOfMessage, readLinkIndex } from '../../services/links/detector/show-links';
import { recipientOfIdentity } from '../../services/links/detector/visibility';
import { readLinkSecret, systemClientSettings } from '../../services/shared/service-config';
import type { Logger } from '../../telemetry/logger';
import { startTelemetry, type Telemetry } from '../../telemetry/start-telemetry';
import { action, cliContext, requireBrokers, withKafka } from '../cli-context';
import { runUntilStopped } from '../long-running';

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const INSTANCE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** `intelroute links run` (the link detector) and `intelroute links show <id> --as <urn>`. */
export function registerLinksCommands(program: Command): void {
  const links = program
    .command('links')
    .description('cross-country links between reports (hit/no-hit, within restrictions)');
  links
    .command('run')
    .description('run the link detector: index report selectors, send link alerts')
    .option(
      '--instance-id <id>',
      'transactional ids and audit chain (default: links-detector-<host>)',
    )
    .action(action(runDetector));
  links
    .command('show')
    .description('print the links a message took part in, as an identity may see them (JSON lines)')
    .argument('<message_id>', 'a report message id')
    .requiredOption('--as <urn>', 'the identity whose view to show, e.g. urn:intelroute:ncb:FR')
    .action(action(runShow));
}

async function runDetector(options: { instanceId?: string }, command: Command): Promise<void> {
  const { config, logger } = cliContext(command);
  const instanceId = checkedInstanceId(options.instanceId, 'links-detector');
  // A missing or short secret or certificate folder is said before telemetry starts.
  readLinkSecret(config);
  systemClientSettings(config);
  const kafka = createKafkaClient({ ...config.kafka, brokers: requireBrokers(config), logger });
  const telemetry = await startServiceTelemetry(config, logger, 'link-detector', instanceId);
  const detector = buildLinkDetector(config, {
    kafka,
    logger,
    instanceId,
    metrics: telemetry.metrics,
  });
  await runService({ service: detector, name: 'link detector', config, logger, telemetry, kafka });
}

async function runShow(
  messageId: string,
  options: { as: string },
  command: Command,
): Promise<void> {
  const { config, logger } = cliContext(command);
  if (!MESSAGE_ID.test(messageId)) {
    throw new IntelrouteError('SERVICE_OPTIONS_INVALID', `"${messageId}" is not a message id`);
  }
  const identity = parseIdentityUrn(options.as);
  const recipient = recipientOfIdentity(identity);
  if (recipient === undefined) {
    throw new IntelrouteError(
      'SERVICE_OPTIONS_INVALID',
      `${options.as} receives no link alerts, so it has no view of links (use an NCB, agency or Secretariat identity)`,
    );
  }
  const states = await withKafka(config, logger, (deps) =>
    readLinkIndex({ ...deps, topicPrefix: config.topics.prefix }),
  );
  const listings = linksOfMessage(states, messageId, recipient, {
    agency: identity.role === 'agency',
  });
  if (listings.length === 0) {
    throw new IntelrouteError(
      'LINK_NOT_FOUND',
      `no link that ${options.as} may see involves message ${messageId}`,
    );
  }
  for (const listing of listings) process.stdout.write(`${JSON.stringify(listing)}\n`);
}

/**
 * Starts `service` (telemetry already up) and runs it until SIGINT/SIGTERM or a consumer failure
 * (a signal during a start that keeps retrying an unreachable Kafka stops it too), then stops it
 * and telemetry within the readers' grace period. Ready (`/readyz`) while it runs and Kafka
 * answers.
 * @throws IntelrouteError KAFKA_UNAVAILABLE when the service stopped because a consumer failed.
 */
export async function runService(parts: {
  service: SystemService;
  name: string;
  config: IntelrouteConfig;
  logger: Logger;
  telemetry: Telemetry;
  kafka: KafkaClient;
}): Promise<void> {
  const { service, name, config, logger, telemetry } = parts;
  const liveness = new KafkaLiveness({ kafka: parts.kafka, logger });
  const end = await runUntilStopped({
    name,
    logger,
    graceMs: config.readers.shutdownGraceMs + config.telemetry.shutdownTimeoutMs,
    start: async () => {
      await service.start();
      liveness.start();
      telemetry.setReadiness(() => service.running && liveness.alive);
    },
    stop: async () => {
      await liveness.stop();
      await service.stop();
      await telemetry.shutdown();
    },
    failure: whenServiceFailed(service),
    onReady: () => process.stdout.write(`${name} ready\n`),
  });
  if (end.kind === 'failed') {
    throw new IntelrouteError('KAFKA_UNAVAILABLE', `the ${name} stopped: ${end.reason}`);
  }
}

/** Telemetry of a system service (`intelroute-<component>`), started before anything else. */
export function startServiceTelemetry(
  config: IntelrouteConfig,
  logger: Logger,
  component: string,
  instanceId: string,
): Promise<Telemetry> {
  return startTelemetry({
    serviceName: `intelroute-${component}`,
    instanceId,
    config: config.telemetry,
    logger,
    env: process.env,
  });
}

/**
 * `--instance-id`, else `<fallback>-<hostname>` (stable across restarts, so a restarted service
 * fences its killed predecessor). @throws IntelrouteError SERVICE_OPTIONS_INVALID
 */
export function checkedInstanceId(given: string | undefined, fallback: string): string {
  if (given !== undefined && !INSTANCE_ID.test(given)) {
    throw new IntelrouteError(
      'SERVICE_OPTIONS_INVALID',
      '--instance-id takes 1-100 of [A-Za-z0-9._-]',
    );
  }
  return given ?? readerInstanceId(null, fallback);
}
