import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { IntelrouteError } from '../../core/errors';

/** The oldest Java the local broker is run with (Kafka 4.x brokers need 17; we ask it of 3.9 too). */
export const MINIMUM_JAVA_MAJOR = 17;

export interface JavaRuntime {
  readonly executable: string;
  readonly majorVersion: number;
}

/**
 * Finds `java` ($JAVA_HOME/bin/java, else PATH) and checks its version.
 * @throws IntelrouteError JAVA_MISSING naming Java 17 when it is absent or too old.
 */
export function findJava(env: Readonly<Record<string, string | undefined>>): JavaRuntime {
  const executable = env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const probe = spawnSync(executable, ['-version'], { encoding: 'utf8', env: { ...env } });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new IntelrouteError(
      'JAVA_MISSING',
      `Java ${MINIMUM_JAVA_MAJOR} or newer is required to run the local Kafka broker, but ` +
        `"${executable}" could not be run${probe.error ? ` (${probe.error.message})` : ''}. ` +
        `Install a JDK ${MINIMUM_JAVA_MAJOR}+ and put java on PATH (or set JAVA_HOME), ` +
        'or set KAFKA_BROKERS to use an existing Kafka cluster.',
      { cause: probe.error },
    );
  }
  const majorVersion = parseJavaMajorVersion(`${probe.stderr}${probe.stdout}`);
  if (majorVersion === undefined || majorVersion < MINIMUM_JAVA_MAJOR) {
    throw new IntelrouteError(
      'JAVA_MISSING',
      `Java ${MINIMUM_JAVA_MAJOR} or newer is required to run the local Kafka broker; ` +
        `"${executable}" is version ${majorVersion ?? 'unknown'}. ` +
        `Install a JDK ${MINIMUM_JAVA_MAJOR}+ (or point JAVA_HOME at one), or set KAFKA_BROKERS.`,
    );
  }
  return { executable, majorVersion };
}

/** Reads the major version from `java -version` output: `"17.0.15"` → 17, `"1.8.0_402"` → 8. */
export function parseJavaMajorVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}
