import { InvalidArgumentError, type Command } from 'commander';
import path from 'node:path';
import { PROJECT_ROOT, type IntelrouteConfig, type LocalKafkaConfig } from '../../config';
import { LocalKafkaCluster } from '../../kafka/local';
import { action, cliContext } from '../cli-context';
import { shutdownSignal, stopWithin } from '../shutdown-signal';

/** `intelroute kafka start [--nodes N]`: a local KRaft cluster in the foreground. */
export function registerKafkaCommands(program: Command): void {
  const kafka = program
    .command('kafka')
    .description('run a local Apache Kafka (KRaft) for development');
  kafka
    .command('start')
    .description(
      'start a local broker (or a cluster with --nodes), print KAFKA_BROKERS=... once it accepts writes, stop on Ctrl-C',
    )
    .option('--nodes <n>', 'number of nodes (each broker and controller)', parsePositiveInt)
    .option('--kafka-version <version>', 'Apache Kafka version fetched with Maven')
    .option('--ephemeral', EPHEMERAL_HELP)
    .action(
      action(async (options: KafkaStartOptions, command: Command) => {
        const { config, logger } = cliContext(command);
        // Listened for before anything is printed: a caller that reads KAFKA_BROKERS and at once
        // sends SIGTERM must find the handler in place (the default action would kill this
        // process without stopping the broker). A signal during the start stops it once started.
        const stopping = shutdownSignal((again) => logger.warn(`${again}: already stopping`));
        const cluster = await LocalKafkaCluster.start({
          ...localKafkaOf(config, options.ephemeral),
          nodes: options.nodes ?? config.localKafka.nodes,
          version: options.kafkaVersion ?? config.localKafka.version,
          env: process.env,
          logger,
        });
        for (const node of cluster.nodes()) {
          logger.info(
            { node: node.nodeId, address: node.address, pid: node.pid, log: node.logFile },
            'node up',
          );
        }
        process.stdout.write(`KAFKA_BROKERS=${cluster.brokers.join(',')}\n`);
        const signal = await stopping;
        logger.info({ signal }, 'stopping local Kafka');
        await stopWithin(60_000, () => cluster.stop());
      }),
    );
}

interface KafkaStartOptions {
  readonly nodes?: number;
  readonly kafkaVersion?: string;
  readonly ephemeral?: boolean;
}

export const EPHEMERAL_HELP =
  'a throwaway local Kafka in a temp folder (default: its data is kept in .intelroute/kafka)';

/**
 * The local Kafka settings of `start` and `kafka start`: data kept across restarts in
 * `localKafka.dataDir` (default `<project>/.intelroute/kafka`), or with `--ephemeral` in a temp
 * folder removed at stop.
 */
export function localKafkaOf(config: IntelrouteConfig, ephemeral = false): LocalKafkaConfig {
  const kept = config.localKafka.dataDir ?? path.join(PROJECT_ROOT, '.intelroute', 'kafka');
  return { ...config.localKafka, dataDir: ephemeral ? null : kept };
}

/** commander option parser for a positive integer. */
export function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  }
  return value;
}
