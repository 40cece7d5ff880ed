import type { Command } from 'commander';
import { buildContactPointDirectory } from '../../app/directory';
import type { ContactPointDirectory, ContactPointEntry } from '../../services/readers';
import { TOPICS } from '../../contract/topic-names';
import { IntelrouteError } from '../../core/errors';
import { action, cliContext, withKafka } from '../cli-context';

/** `intelroute directory show [CC]`: the contact points, rebuilt from the compacted topic. */
export function registerDirectoryCommands(program: Command): void {
  const directory = program
    .command('directory')
    .description('the contact-point directory (Internet drug offences contact points)');
  directory
    .command('show')
    .description('print the current contact point of a country (or of every country) as JSON')
    .argument('[CC]', 'a country (ISO 3166-1 alpha-2); all countries when omitted')
    .action(action(runShow));
}

async function runShow(
  country: string | undefined,
  _options: unknown,
  command: Command,
): Promise<void> {
  const { config, logger } = cliContext(command);
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) {
    throw new IntelrouteError(
      'READER_OPTIONS_INVALID',
      `"${country}" is not a country code (e.g. FR)`,
    );
  }
  const directory = await withKafka(config, logger, async (connection) => {
    const loaded = buildContactPointDirectory(config, { ...connection, logger });
    await loaded.load();
    return loaded;
  });
  if (country === undefined) {
    const all = Object.fromEntries(directory.all().map((entry) => [entry.country, entry]));
    process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${JSON.stringify(entryOf(directory, country, config.topics.prefix), null, 2)}\n`,
  );
}

/** @throws IntelrouteError DIRECTORY_COUNTRY_UNKNOWN */
function entryOf(
  directory: ContactPointDirectory,
  country: string,
  prefix: string,
): ContactPointEntry {
  const entry = directory.lookupContactPoint(country);
  if (entry === undefined) {
    throw new IntelrouteError(
      'DIRECTORY_COUNTRY_UNKNOWN',
      `no contact point was ever designated for ${country} (${directory.all().length} countries in ${prefix}${TOPICS.contactPointDirectory})`,
    );
  }
  return entry;
}
