import type { Command } from 'commander';
import { OpsConsole } from '../../console/ops-console';
import { errorText, IntelrouteError } from '../../core/errors';
import { createKafkaClient } from '../../kafka/kafka-client';
import { runUntilStopped } from '../long-running';
import { action, cliContext, requireBrokers } from '../cli-context';
import { checkedInstanceId, startServiceTelemetry } from './links-command';

/** `intelroute console`: the ops console on its own (deployments; `start` runs one itself). */
export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description(
      'serve the ops console: live flow, message stories, refusals and audit integrity (ops role)',
    )
    .option('--instance-id <id>', 'names its consumer group (default: console-<host>)')
    .action(action(runConsole));
}

async function runConsole(options: { instanceId?: string }, command: Command): Promise<void> {
  const { config, logger } = cliContext(command);
  const instanceId = checkedInstanceId(options.instanceId, 'console');
  const kafka = createKafkaClient({ ...config.kafka, brokers: requireBrokers(config), logger });
  const telemetry = await startServiceTelemetry(config, logger, 'console', instanceId);
  const opsConsole = new OpsConsole({ config, kafka, logger, instanceId });
  const onHangUp = (): void => {
    try {
      opsConsole.reloadTls();
      logger.info('console TLS files reloaded');
    } catch (error) {
      logger.error({ err: errorText(error) }, 'console TLS files not reloaded; the old ones stay');
    }
  };
  const end = await runUntilStopped({
    name: 'ops console',
    logger,
    graceMs: config.telemetry.shutdownTimeoutMs + 5000,
    start: async () => {
      await opsConsole.start();
      telemetry.setReadiness(() => opsConsole.ready);
      process.on('SIGHUP', onHangUp);
    },
    stop: async () => {
      process.off('SIGHUP', onHangUp);
      await opsConsole.stop();
      await telemetry.shutdown();
    },
    // Its view of the trail would go stale: exit, so that a supervisor starts it again.
    failure: opsConsole.failure,
    onReady: () => process.stdout.write(`ops console: ${opsConsole.url ?? ''}\n`),
  });
  if (end.kind === 'failed') throw new IntelrouteError('KAFKA_UNAVAILABLE', end.reason);
}
