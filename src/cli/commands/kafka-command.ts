import { InvalidArgumentError, type Command } from 'commander';
import { LocalKafkaCluster } from '../../local-kafka';
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
    .action(
      action(async (options: { nodes?: number; kafkaVersion?: string }, command: Command) => {
        const { config, logger } = cliContext(command);
        const cluster = await LocalKafkaCluster.start({
          ...config.localKafka,
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
        const signal = await shutdownSignal((again) => logger.warn(`${again}: already stopping`));
        logger.info({ signal }, 'stopping local Kafka');
        await stopWithin(60_000, () => cluster.stop());
      }),
    );
}

/** commander option parser for a positive integer. */
export function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  }
  return value;
}
