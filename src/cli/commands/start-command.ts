import type { Command } from 'commander';
import { startIntelroute } from '../../main';
import { action, cliContext } from '../cli-context';
import { shutdownSignal, stopWithin } from '../shutdown-signal';

/** `intelroute start` (what `npm start` runs): everything the config asks for, in the foreground. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run intelroute: a local Kafka when KAFKA_BROKERS is unset, topics, the gateway')
    .action(
      action(async (_options: unknown, command: Command) => {
        const { config, logger } = cliContext(command);
        const running = await startIntelroute({ config, logger, env: process.env });
        process.stdout.write(`KAFKA_BROKERS=${running.brokers.join(',')}\n`);
        if (running.localKafka !== null) {
          for (const node of running.localKafka.nodes()) {
            process.stdout.write(`kafka node ${node.nodeId} log: ${node.logFile}\n`);
          }
        }
        process.stdout.write('intelroute is running; press Ctrl-C to stop\n');
        const signal = await shutdownSignal((again) => logger.warn(`${again}: already stopping`));
        logger.info({ signal }, 'stopping');
        await stopWithin(90_000, () => running.stop());
        logger.info('stopped');
      }),
    );
}
