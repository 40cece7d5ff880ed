import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/main';
import { ENV_OVERRIDES } from '../../../src/config';

const README = path.resolve(__dirname, '../../../README.md');

/** Every runnable command, as the words one types (`topics plan`, `send`). */
function commandPaths(command: Command, prefix: readonly string[] = []): string[] {
  return command.commands.flatMap((sub) => {
    const words = [...prefix, sub.name()];
    return sub.commands.length === 0 ? [words.join(' ')] : commandPaths(sub, words);
  });
}

/** The code spans of the first column of README's "The commands" table. */
function documentedCommands(): string[] {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## The commands'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('\n| ')));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split(/(?<!\\)\|/)[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

/** What `intelroute <words> --help` prints. */
function helpOf(...words: string[]): string {
  let command: Command = buildProgram();
  for (const word of words) command = command.commands.find((sub) => sub.name() === word)!;
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

describe('the commands, as documented', () => {
  it('has every command of the CLI in README’s command table', () => {
    const documented = documentedCommands();
    const paths = commandPaths(buildProgram());
    expect(paths).toEqual(expect.arrayContaining(['start', 'topics plan', 'consume country']));
    const missing = paths.filter(
      (words) => !documented.some((span) => span === words || span.startsWith(`${words} `)),
    );
    expect(missing).toEqual([]);
  });

  it.each([['start'], ['gateway']])(
    '`%s --help` shows --config and every environment variable the config reads',
    (name) => {
      const help = helpOf(name);
      expect(help).toMatch(/^ {2}-c, --config <file> /m);
      expect(help).toMatch(/^Environment/m);
      for (const variable of ['INTELROUTE_CONFIG', ...ENV_OVERRIDES.map((o) => o.variable)]) {
        expect(help).toMatch(new RegExp(`^ {2}${variable} +\\S`, 'm'));
      }
      expect(help).toMatch(/^ {2}KAFKA_BROKERS +kafka\.brokers$/m);
    },
  );
});
