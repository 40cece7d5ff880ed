import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '../../../src');

/** Every import specifier of every .ts file below `folder` (relative to src/), by file. */
function importsBelow(folder: string): Array<{ file: string; specifier: string }> {
  const files = readdirSync(path.join(SRC, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(folder, name));
  return files.flatMap((file) =>
    [...readFileSync(path.join(SRC, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => ({
      file,
      specifier: m[1]!,
    })),
  );
}

/** The folder below src/ an import of `file` resolves to ('' for a package). */
function targetFolder(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return '';
  return path.relative(SRC, path.resolve(SRC, path.dirname(file), specifier)).split(path.sep)[0]!;
}

describe('architecture boundaries', () => {
  it('the server side never imports the client SDK', () => {
    const offending = ['gateway', 'consumers', 'audit', 'kafka', 'contract', 'telemetry'].flatMap(
      (folder) =>
        importsBelow(folder).filter(
          ({ file, specifier }) => targetFolder(file, specifier) === 'client',
        ),
    );
    expect(offending).toEqual([]);
  });

  it('the pure core imports neither grpc-js nor kafkajs (only the contract’s trailer binding does)', () => {
    const core = ['contract', 'validation', 'routing', 'authorization', 'identity'];
    const offending = core
      .flatMap(importsBelow)
      .filter(({ specifier }) => /^(@grpc\/grpc-js|kafkajs)$/.test(specifier))
      .filter(({ file }) => file !== path.join('contract', 'status-trailer.ts'));
    expect(offending).toEqual([]);
  });
});
