import type { Command } from 'commander';
import { memberCountryCodes, type IntelrouteConfig } from '../../config';
import { IntelrouteError } from '../../errors';
import { createKafkaClient } from '../../kafka/kafka-client';
import { describeChange, type TopicDiff } from '../../kafka/topic-diff';
import { applyTopicPlan, planAgainstCluster } from '../../kafka/topic-provisioning';
import type { Logger } from '../../telemetry/logger';
import { action, cliContext } from '../cli-context';

/** `intelroute topics plan|apply`: the configured topic plan against the cluster. */
export function registerTopicsCommands(program: Command): void {
  const topics = program
    .command('topics')
    .description('provision the Kafka topics intelroute uses');
  topics
    .command('plan')
    .description('print what `topics apply` would change (nothing is changed)')
    .action(
      action(async (_options: unknown, command: Command) => {
        const { config, logger } = cliContext(command);
        const diff = await withAdmin(config, logger, (admin) =>
          planAgainstCluster({
            admin,
            topics: config.topics,
            memberCountries: memberCountryCodes(config.topics),
          }),
        );
        printDiff(diff, 'would change');
      }),
    );
  topics
    .command('apply')
    .description('create missing topics, add partitions and set configs; idempotent')
    .action(
      action(async (_options: unknown, command: Command) => {
        const { config, logger } = cliContext(command);
        const result = await withAdmin(config, logger, (admin) =>
          applyTopicPlan({
            admin,
            topics: config.topics,
            memberCountries: memberCountryCodes(config.topics),
          }),
        );
        printDiff(result, 'changed');
        if (result.changes.some((change) => change.kind === 'conflict')) process.exitCode = 2;
      }),
    );
}

function printDiff(diff: TopicDiff, verb: string): void {
  for (const change of diff.changes) process.stdout.write(`${describeChange(change)}\n`);
  const changed = diff.changes.filter((change) => change.kind !== 'conflict').length;
  const conflicts = diff.changes.length - changed;
  process.stdout.write(
    changed === 0 && conflicts === 0
      ? `nothing to change: ${diff.upToDate.length} topics up to date\n`
      : `${verb}: ${changed} change(s), ${conflicts} conflict(s); ${diff.upToDate.length} topics up to date\n`,
  );
}

/** Runs `work` with a connected admin client on the configured cluster. */
export async function withAdmin<T>(
  config: IntelrouteConfig,
  logger: Logger,
  work: (admin: ReturnType<ReturnType<typeof createKafkaClient>['admin']>) => Promise<T>,
): Promise<T> {
  const brokers = config.kafka.brokers;
  if (brokers === null) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'no Kafka cluster configured: set KAFKA_BROKERS (for a local one run `intelroute kafka start`)',
    );
  }
  const admin = createKafkaClient({ ...config.kafka, brokers, logger }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
