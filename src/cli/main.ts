#!/usr/bin/env node
import { Command } from 'commander';
import { registerAuditCommands } from './commands/audit-command';
import { registerCertsCommands } from './commands/certs-command';
import { registerConsoleCommand } from './commands/console-command';
import { registerConsumeCommands } from './commands/consume-command';
import { registerKafkaCommands } from './commands/kafka-command';
import { registerLinksCommands } from './commands/links-command';
import { registerRequestsCommands } from './commands/requests-command';
import { registerSendCommands } from './commands/send-command';
import { registerStartCommand } from './commands/start-command';
import { registerTopicsCommands } from './commands/topics-command';

/** The `intelroute` command. Each concern registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('intelroute')
    .description('drug-intelligence message routing: gRPC in, Kafka out, audited')
    .option('-c, --config <file>', 'YAML or JSON config file (default: $INTELROUTE_CONFIG)')
    // Every command's help also lists --config (commands inherit this setting when created).
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError();
  registerStartCommand(program);
  registerKafkaCommands(program);
  registerTopicsCommands(program);
  registerCertsCommands(program);
  registerSendCommands(program);
  registerAuditCommands(program);
  registerConsumeCommands(program);
  registerLinksCommands(program);
  registerRequestsCommands(program);
  registerConsoleCommand(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.exitCode = 1;
      process.stderr.write(
        `intelroute: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
}
