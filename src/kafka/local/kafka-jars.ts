import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IntelrouteError } from '../../core/errors';
import { PROJECT_ROOT } from '../../config/project-root';
import { brokerLoggingFor } from './broker-logging';

const COMPLETE_MARKER = '.complete';

export interface KafkaJarsOptions {
  readonly version: string;
  /** Null: `<project>/.cache/local-kafka`. */
  readonly cacheDir: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Called with progress lines (e.g. "fetching Kafka 3.9.1 jars with Maven…"). */
  readonly onProgress?: (line: string) => void;
}

/**
 * Returns the folder holding the broker's jars for `version`, fetching them with Maven into the
 * cache the first time. Later calls find the completed cache and never touch the network.
 * @throws IntelrouteError MAVEN_MISSING when a fetch is needed and `mvn` cannot run,
 *         KAFKA_JARS_FETCH_FAILED when Maven fails (its output is in the message).
 */
export async function ensureKafkaJars(options: KafkaJarsOptions): Promise<string> {
  const versionDir = path.join(
    options.cacheDir ?? path.join(PROJECT_ROOT, '.cache', 'local-kafka'),
    options.version,
  );
  const libsDir = path.join(versionDir, 'libs');
  if (existsSync(path.join(versionDir, COMPLETE_MARKER))) return libsDir;

  checkMaven(options.env);
  options.onProgress?.(`fetching Apache Kafka ${options.version} jars with Maven into ${libsDir}`);
  mkdirSync(versionDir, { recursive: true });
  // Fetch into a private folder and rename: a concurrent or interrupted fetch never leaves a
  // half-filled libs folder that a later run would take for complete.
  const staging = path.join(versionDir, `staging-${process.pid}-${Date.now()}`);
  try {
    await runMaven(options, staging);
    if (!readdirSync(staging).some((name) => name.startsWith('kafka_2.13-'))) {
      throw new IntelrouteError(
        'KAFKA_JARS_FETCH_FAILED',
        `Maven finished but no kafka_2.13 jar is in ${staging}`,
      );
    }
    rmSync(libsDir, { recursive: true, force: true });
    renameSync(staging, libsDir);
    writeFileSync(path.join(versionDir, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return libsDir;
}

function checkMaven(env: Readonly<Record<string, string | undefined>>): void {
  const probe = spawnSync('mvn', ['-v'], { encoding: 'utf8', env: { ...env } });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new IntelrouteError(
      'MAVEN_MISSING',
      'Apache Maven is required once, to fetch the local Kafka broker jars, but "mvn" could not ' +
        'be run. Install Maven 3.6+ and put it on PATH, or set KAFKA_BROKERS to use an existing ' +
        'Kafka cluster.',
      { cause: probe.error },
    );
  }
}

function runMaven(options: KafkaJarsOptions, outputDir: string): Promise<void> {
  const pom = path.join(PROJECT_ROOT, 'deploy', 'local-kafka', 'pom.xml');
  const args = [
    '-B',
    '-q',
    '-f',
    pom,
    `-Dkafka.version=${options.version}`,
    // The pom's profile of the same name fetches the logging binding of this major version.
    `-Dkafka.logging=${brokerLoggingFor(options.version).kind}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${outputDir}`,
    '-DincludeScope=runtime',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, {
      env: { ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = `${output}${chunk.toString('utf8')}`.slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (cause) =>
      reject(new IntelrouteError('MAVEN_MISSING', `cannot run mvn: ${cause.message}`, { cause })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new IntelrouteError(
            'KAFKA_JARS_FETCH_FAILED',
            `Maven could not fetch Apache Kafka ${options.version} (exit ${code}). ` +
              `If this version is not served, set INTELROUTE_KAFKA_VERSION (e.g. 3.8.1 or 4.1.1).\n${output}`,
          ),
        );
    });
  });
}
