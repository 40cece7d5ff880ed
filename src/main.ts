import type { IntelrouteConfig } from './config';
import { memberCountryCodes } from './config';
import { createKafkaClient } from './kafka/kafka-client';
import { describeChange } from './kafka/topic-diff';
import { applyTopicPlan } from './kafka/topic-provisioning';
import { LocalKafkaCluster } from './local-kafka';
import type { Logger } from './telemetry/logger';

/** A started intelroute: where it listens, and one way to stop everything in order. */
export interface RunningIntelroute {
  readonly brokers: readonly string[];
  readonly localKafka: LocalKafkaCluster | null;
  /** Stops every component in reverse start order. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly config: IntelrouteConfig;
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
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
    if (brokers === null) {
      logger.info('KAFKA_BROKERS is not set: starting a local Kafka broker');
      localKafka = await LocalKafkaCluster.start({
        ...config.localKafka,
        env: options.env,
        logger,
      });
      const cluster = localKafka;
      stack.push(() => cluster.stop());
      brokers = cluster.brokers;
    }
    await provisionTopics(config, brokers, logger);
    return { brokers, localKafka, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function provisionTopics(
  config: IntelrouteConfig,
  brokers: readonly string[],
  logger: Logger,
): Promise<void> {
  const admin = createKafkaClient({ ...config.kafka, brokers, logger }).admin();
  await admin.connect();
  try {
    const result = await applyTopicPlan({
      admin,
      topics: config.topics,
      memberCountries: memberCountryCodes(config.topics),
    });
    for (const change of result.changes)
      logger.info({ component: 'topics' }, describeChange(change));
    logger.info(
      { component: 'topics', upToDate: result.upToDate.length, changes: result.changes.length },
      'topics provisioned',
    );
  } finally {
    await admin.disconnect();
  }
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}
