import type { Command } from 'commander';
import { describeChange, type TopicDiff } from '../../kafka/topic-diff';
import { applyTopicPlan, planAgainstCluster } from '../../kafka/topic-provisioning';
import { action, cliContext, withKafka } from '../cli-context';

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
        const diff = await withKafka(config, logger, ({ admin }) =>
          planAgainstCluster({
            admin,
            topics: config.topics,
            memberCountries: config.topics.memberCountries,
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
        const result = await withKafka(config, logger, ({ admin }) =>
          applyTopicPlan({
            admin,
            topics: config.topics,
            memberCountries: config.topics.memberCountries,
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
