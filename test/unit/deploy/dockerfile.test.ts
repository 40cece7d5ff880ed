import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../../src/config';
import { isPinned } from './deploy-files';
import { dockerfileStages, nodeMajor, type Stage } from './dockerfile-stages';

/** Docker's wildcards: `*` and `?` stay within a path segment, `**` crosses them. */
const GLOB: Readonly<Record<string, string>> = {
  '**': '.*',
  '**/': '(?:.*/)?',
  '*': '[^/]*',
  '?': '[^/]',
};

/**
 * `.dockerignore` as Docker reads it: the last pattern matching a path, or one of its parent
 * folders, decides; `!` re-includes. Patterns: `*`, `?` within a path segment, `**` across them.
 */
function dockerIgnore(file = path.join(PROJECT_ROOT, '.dockerignore')): (p: string) => boolean {
  const rules = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const pattern = (include ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) => GLOB[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
        .join('');
      return { include, regex: new RegExp(`^${source}$`) };
    });
  return (relative) => {
    const segments = relative.split('/');
    const candidates = segments.map((_s, i) => segments.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((c) => rule.regex.test(c))) excluded = !rule.include;
    }
    return excluded;
  };
}

/** Every file under `dir` (relative to the project root). */
function filesUnder(relative: string): string[] {
  const full = path.join(PROJECT_ROOT, relative);
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full).flatMap((name) => filesUnder(`${relative}/${name}`));
}

/** The top-level entries the code reads as `path.join(PROJECT_ROOT, '<entry>', ...)` at run time. */
function projectRootReads(dir = path.join(PROJECT_ROOT, 'src')): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) projectRootReads(full).forEach((name) => found.add(name));
    else if (entry.name.endsWith('.ts')) {
      for (const match of readFileSync(full, 'utf8').matchAll(
        /path\.join\(PROJECT_ROOT, '([^']+)'/g,
      )) {
        found.add(match[1] as string);
      }
    }
  }
  return found;
}

describe('deploy/Dockerfile', () => {
  const all = dockerfileStages();
  const runtime = all.at(-1) as Stage;
  const build = all[0] as Stage;

  it('is multi-stage, every base image pinned to a version', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all)
      expect([stage.image, isPinned(stage.image)]).toEqual([stage.image, true]);
  });

  it('installs with npm ci, builds, then prunes development dependencies', () => {
    const runs = build.lines.filter((l) => l.startsWith('RUN ')).join(' && ');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs.indexOf('npm run build')).toBeGreaterThan(runs.indexOf('npm ci'));
    expect(runs.indexOf('npm prune --omit=dev')).toBeGreaterThan(runs.indexOf('npm run build'));
  });

  it('runs the final stage as a non-root user, starting the CLI', () => {
    const users = runtime.lines.filter((l) => l.startsWith('USER ')).map((l) => l.slice(5).trim());
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1)?.split(':')[0]);
    expect(runtime.lines).toContain('ENTRYPOINT ["node", "dist/cli/main.js"]');
  });

  it('ships what the code reads from the project root at run time, and the built code', () => {
    const copied = runtime.lines
      .filter((l) => l.startsWith('COPY '))
      .map((l) => l.split(/\s+/).at(-1)?.replace(/^\.\//, '') as string);
    // Development-only paths: the local Kafka (jars cache, its pom) and development certificates
    // serve `intelroute start` without KAFKA_BROKERS, which the image never runs.
    const devOnly = new Set(['.cache', 'deploy', '.intelroute']);
    const reads = [...projectRootReads()].filter((entry) => !devOnly.has(entry));
    const needed = [...reads, 'package.json', 'dist', 'node_modules'];
    expect(needed).toEqual(expect.arrayContaining(['schemas', 'config', 'proto']));
    for (const entry of needed) expect([entry, copied.includes(entry)]).toEqual([entry, true]);
  });

  it('exposes the default gateway, metrics and ops console ports', () => {
    const config = loadConfig({ env: {} });
    const exposed = runtime.lines
      .filter((l) => l.startsWith('EXPOSE '))
      .flatMap((l) => l.split(/\s+/).slice(1));
    expect(exposed).toEqual(
      expect.arrayContaining([
        String(config.gateway.port),
        String(config.telemetry.metricsPort),
        String(config.console.port),
      ]),
    );
  });

  it('builds on a supported Node.js LTS line, not Node 20 (end of life 2026-04-30)', () => {
    const majors = all.map((stage) => nodeMajor(stage.image));
    for (const major of majors) {
      expect(major).toBeDefined();
      // Up to 26 only even lines become LTS; 20 reached its end of life on 2026-04-30.
      expect(major as number).toBeGreaterThanOrEqual(22);
      expect((major as number) % 2 === 0 || (major as number) >= 27).toBe(true);
    }
    // Build and run on the same Node: native modules and the npm ci result match.
    expect(new Set(all.map((stage) => stage.image)).size).toBe(1);
    // The code keeps supporting the older line it promises (package.json engines).
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    const floor = Number(/(\d+)\./.exec(pkg.engines.node)?.[1]);
    expect(Math.min(...(majors as number[]))).toBeGreaterThanOrEqual(floor);
  });

  it('sends the builder only what the Dockerfile copies (.dockerignore is an allowlist)', () => {
    const ignored = dockerIgnore();
    const sources = all
      .flatMap((stage) => stage.lines)
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      for (const file of filesUnder(source.replace(/^\.\/|\/$/g, ''))) {
        expect([file, ignored(file)]).toEqual([file, false]);
      }
    }
    // Development keys, local settings, dependencies and build output stay out.
    for (const file of [
      '.intelroute/dev-certs/ca.key',
      '.intelroute/dev-certs/server.key',
      '.env',
      'node_modules/kafkajs/package.json',
      'dist/cli/main.js',
      '.git/config',
      '.cache/local-kafka/libs/kafka.jar',
      'test/unit/deploy/compose.test.ts',
      'bench/results/x.json',
      'src/secrets/gateway.key',
    ]) {
      expect([file, ignored(file)]).toEqual([file, true]);
    }
  });
});
