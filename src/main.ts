import path from 'node:path';
import type { IntelrouteConfig } from './config';
import { PROJECT_ROOT } from './config';
import { optionalSigner } from './audit/writer-keys';
import { Gateway } from './gateway/gateway';
import { ensureDevCertificates } from './gateway/dev-certificates';
import { IntelrouteError } from './errors';
import { createKafkaClient } from './kafka/kafka-client';
import { openKafkaConnection } from './kafka/kafka-connection';
import { describeChange } from './kafka/topic-diff';
import { applyTopicPlan } from './kafka/topic-provisioning';
import { LocalKafkaCluster } from './local-kafka';
import type { IntelrouteMetrics, Logger } from './telemetry';

/** A started intelroute: where it listens, and one way to stop everything in order. */
export interface RunningIntelroute {
  readonly brokers: readonly string[];
  readonly localKafka: LocalKafkaCluster | null;
  readonly gateway: Gateway;
  /** The folder of development certificates created for this run, if any. */
  readonly devCertsDir: string | null;
  /** Stops every component in reverse start order. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly config: IntelrouteConfig;
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * `start`: a local Kafka when none is configured, and topics provisioned. `gateway`: the
   * configured cluster only, topics as they are (operators run `topics apply`).
   */
  readonly mode?: 'all-in-one' | 'gateway-only';
  /** The process's instruments (from startTelemetry at the command's start). */
  readonly metrics?: IntelrouteMetrics;
}

/**
 * The composition root: builds every component from the config, passes dependencies in, and
 * starts them in order (Kafka → topics → gateway → readers). What has started is stopped again
 * in reverse order, also when a later component fails to start.
 */
export async function startIntelroute(options: StartOptions): Promise<RunningIntelroute> {
  const { config, logger } = options;
  const stack: Array<() => Promise<void>> = [];
  const stopAll = once(async () => {
    for (const stop of stack.reverse()) await stop();
  });
  try {
    let localKafka: LocalKafkaCluster | null = null;
    let brokers = config.kafka.brokers;
    const allInOne = (options.mode ?? 'all-in-one') === 'all-in-one';
    if (brokers === null && !allInOne) {
      throw new IntelrouteError(
        'CONFIG_INVALID',
        'no Kafka cluster configured: set KAFKA_BROKERS (or run `intelroute start`, which starts a local one)',
      );
    }
    if (brokers === null) {
      logger.info('KAFKA_BROKERS is not set: starting a local Kafka broker');
      localKafka = await LocalKafkaCluster.start({
        ...config.localKafka,
        env: options.env,
        logger,
      });
      const cluster = localKafka;
      stack.push(() => cluster.stop());
      for (const node of cluster.nodes()) {
        logger.info({ node: node.nodeId, pid: node.pid, log: node.logFile }, 'local Kafka node up');
      }
      brokers = cluster.brokers;
    }
    if (allInOne) await provisionTopics(config, brokers, logger);
    const { gatewayConfig, devCertsDir } = await withDevCertificates(config, logger);
    const gateway = new Gateway({
      config: gatewayConfig,
      topicPrefix: config.topics.prefix,
      memberCountries: config.topics.memberCountries,
      kafka: createKafkaClient({ ...config.kafka, brokers, logger }),
      logger,
      readers: config,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...optionalSigner({ audit: config.audit, gateway: gatewayConfig }),
    });
    stack.push(() => gateway.stop());
    await gateway.start();
    return { brokers, localKafka, gateway, devCertsDir, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * With no TLS configured and no insecure mode, a fresh machine still gets a secure gateway:
 * development certificates are created (once) and used.
 */
async function withDevCertificates(
  config: IntelrouteConfig,
  logger: Logger,
): Promise<{ gatewayConfig: IntelrouteConfig['gateway']; devCertsDir: string | null }> {
  const { gateway } = config;
  const tlsConfigured =
    gateway.tls.certsDir !== null || (gateway.tls.caFile !== null && gateway.tls.certFile !== null);
  if (tlsConfigured || gateway.insecureDev) return { gatewayConfig: gateway, devCertsDir: null };
  const dir = gateway.devCertsDir ?? path.join(PROJECT_ROOT, '.intelroute', 'dev-certs');
  await ensureDevCertificates(dir, logger);
  return {
    gatewayConfig: { ...gateway, tls: { ...gateway.tls, certsDir: dir } },
    devCertsDir: dir,
  };
}

async function provisionTopics(
  config: IntelrouteConfig,
  brokers: readonly string[],
  logger: Logger,
): Promise<void> {
  const connection = await openKafkaConnection(
    createKafkaClient({ ...config.kafka, brokers, logger }),
  );
  try {
    const result = await applyTopicPlan({
      admin: connection.admin,
      topics: config.topics,
      memberCountries: config.topics.memberCountries,
    });
    for (const change of result.changes)
      logger.info({ component: 'topics' }, describeChange(change));
    logger.info(
      { component: 'topics', upToDate: result.upToDate.length, changes: result.changes.length },
      'topics provisioned',
    );
  } finally {
    await connection.close();
  }
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}
