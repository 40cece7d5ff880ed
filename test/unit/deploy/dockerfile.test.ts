import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../../src/config';
import { DEPLOY, isPinned } from './deploy-files';

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly lines: string[];
}

/** The Dockerfile's stages (continuation lines joined, comments dropped), ARG defaults applied. */
function stages(): Stage[] {
  const text = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const result: Stage[] = [];
  for (const line of lines) {
    const arg = /^ARG (\w+)=(\S+)$/.exec(line);
    if (arg !== null && result.length === 0) args.set(arg[1] as string, arg[2] as string);
    const from = /^FROM (\S+)(?: AS (\S+))?$/i.exec(line);
    if (from !== null) {
      const image = (from[1] as string).replace(
        /\$\{(\w+)\}/g,
        (_all, name: string) => args.get(name) ?? '',
      );
      result.push({ image, name: from[2], lines: [] });
    } else result.at(-1)?.lines.push(line);
  }
  return result;
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
  const all = stages();
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

  it('exposes the default gateway and metrics ports', () => {
    const config = loadConfig({ env: {} });
    const exposed = runtime.lines
      .filter((l) => l.startsWith('EXPOSE '))
      .flatMap((l) => l.split(/\s+/).slice(1));
    expect(exposed).toEqual(
      expect.arrayContaining([String(config.gateway.port), String(config.telemetry.metricsPort)]),
    );
  });
});
