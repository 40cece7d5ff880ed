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

/** The top-level folders of src/ and its top-level files. */
function topLevel(): string[] {
  return readdirSync(SRC);
}

/** Lines of .ts files below `folder` (or the file itself) matching `pattern`. */
function linesMatching(entry: string, pattern: RegExp): string[] {
  const files = entry.endsWith('.ts')
    ? [entry]
    : readdirSync(path.join(SRC, entry), { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => path.join(entry, name));
  return files.flatMap((file) =>
    readFileSync(path.join(SRC, file), 'utf8')
      .split('\n')
      .map((line, index) => `${file}:${index + 1}: ${line.trim()}`)
      .filter((line) => pattern.test(line.slice(line.indexOf(': ') + 2))),
  );
}

/** The folder below src/ an import of `file` resolves to ('' for a package). */
function targetFolder(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return '';
  return path.relative(SRC, path.resolve(SRC, path.dirname(file), specifier)).split(path.sep)[0]!;
}

describe('architecture boundaries', () => {
  it('the server side never imports the client SDK', () => {
    const server = [
      'gateway',
      'services/readers',
      'audit',
      'kafka',
      'contract',
      'telemetry',
      'core',
    ];
    const offending = server.flatMap((folder) =>
      importsBelow(folder).filter(
        ({ file, specifier }) => targetFolder(file, specifier) === 'client',
      ),
    );
    expect(offending).toEqual([]);
  });

  it('the pure core imports neither grpc-js nor kafkajs (only the contract’s bindings do)', () => {
    const bindings = [
      path.join('contract', 'status-trailer.ts'),
      path.join('contract', 'generated') + path.sep,
      path.join('identity', 'certs', 'mtls-server-credentials.ts'),
    ];
    const offending = ['core', 'contract', 'identity']
      .flatMap(importsBelow)
      .filter(({ specifier }) => /^(@grpc\/grpc-js|kafkajs)$/.test(specifier))
      .filter(({ file }) => !bindings.some((binding) => file.startsWith(binding)));
    expect(offending).toEqual([]);
  });

  it('the core depends on nothing but itself, the contract and identities', () => {
    const allowed = new Set(['', 'core', 'contract', 'identity']);
    const offending = importsBelow('core').filter(
      ({ file, specifier }) => !allowed.has(targetFolder(file, specifier)),
    );
    expect(offending).toEqual([]);
  });

  describe('only the Kafka adapter (src/kafka) speaks to Kafka', () => {
    const outside = (): string[] => topLevel().filter((entry) => entry !== 'kafka');

    it('no other file imports kafkajs', () => {
      expect(
        outside().flatMap((entry) => linesMatching(entry, /from 'kafkajs'|require\('kafkajs'\)/)),
      ).toEqual([]);
    });

    it('no other file calls a client, admin, consumer or producer itself (it passes them on)', () => {
      const direct = /\.(consumer|producer|admin)\(|\badmin\.[a-zA-Z]+\(|\bkafka\.[a-z][a-zA-Z]*\(/;
      expect(outside().flatMap((entry) => linesMatching(entry, direct))).toEqual([]);
    });

    it('at most 8 files of the adapter import kafkajs', () => {
      expect(linesMatching('kafka', /from 'kafkajs'/).length).toBeLessThanOrEqual(8);
    });
  });
});
