import type { Command } from 'commander';
import { buildRequestLedger } from '../../app/system-services';
import { createKafkaClient } from '../../kafka/kafka-client';
import { systemClientSettings } from '../../services/shared/service-config';
import { readLedger, statusLines } from '../../services/requests/ledger-status';
import { action, cliContext, requireBrokers } from '../cli-context';
import { withKafka } from '../cli-context';
import { checkedInstanceId, runService, startServiceTelemetry } from './links-command';

/** `intelroute requests run` (the request-deadline ledger) and `requests status [--overdue]`. */
export function registerRequestsCommands(program: Command): void {
  const requests = program
    .command('requests')
    .description('information-request deadlines: who answered, who is overdue');
  requests
    .command('run')
    .description('run the request-deadline ledger: track answers, send overdue notices')
    .option(
      '--instance-id <id>',
      'transactional ids and audit chain (default: request-ledger-<host>)',
    )
    .action(action(runLedger));
  requests
    .command('status')
    .description('print every request in the ledger with each recipient’s status (JSON lines)')
    .option('--overdue', 'only requests with a recipient past its deadline')
    .action(action(runStatus));
}

async function runLedger(options: { instanceId?: string }, command: Command): Promise<void> {
  const { config, logger } = cliContext(command);
  const instanceId = checkedInstanceId(options.instanceId, 'request-ledger');
  const kafka = createKafkaClient({ ...config.kafka, brokers: requireBrokers(config), logger });
  systemClientSettings(config); // a missing certificate folder is said before telemetry starts
  const telemetry = await startServiceTelemetry(config, logger, 'request-ledger', instanceId);
  const ledger = buildRequestLedger(config, {
    kafka,
    logger,
    instanceId,
    metrics: telemetry.metrics,
  });
  await runService({ service: ledger, name: 'request ledger', config, logger, telemetry, kafka });
}

async function runStatus(options: { overdue?: boolean }, command: Command): Promise<void> {
  const { config, logger } = cliContext(command);
  const entries = await withKafka(config, logger, (deps) =>
    readLedger({ ...deps, topicPrefix: config.topics.prefix }),
  );
  for (const line of statusLines(entries, Date.now(), options.overdue === true)) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
