import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LocalKafkaCluster } from '../../src/kafka/local';
import { createLogger } from '../../src/telemetry/logger';

/** A broker the tests run against, with a way to stop it. */
export interface TestKafka {
  readonly brokers: readonly string[];
  readonly kind: 'external' | 'local' | 'testcontainers';
  stop(): Promise<void>;
}

type Mode = 'local' | 'testcontainers' | 'auto';

/**
 * Chooses the test broker: KAFKA_BROKERS when set; otherwise INTELROUTE_TEST_KAFKA decides
 * (`local`: the project's own KRaft node from Maven jars, `testcontainers`: a Kafka 3.9
 * container through a Docker engine); unset means local when Java is there, else testcontainers
 * when a Docker engine answers, else local (which then fails naming Java 17).
 */
export async function startTestKafka(env: NodeJS.ProcessEnv, nodes = 1): Promise<TestKafka> {
  const external = env.KAFKA_BROKERS?.trim();
  if (external) {
    return { brokers: external.split(','), kind: 'external', stop: async () => undefined };
  }
  const mode = (env.INTELROUTE_TEST_KAFKA ?? 'auto') as Mode;
  const useContainers =
    mode === 'testcontainers' || (mode === 'auto' && !javaRuns(env) && dockerAnswers(env));
  return useContainers ? startContainer() : startLocal(env, nodes);
}

async function startLocal(env: NodeJS.ProcessEnv, nodes: number): Promise<TestKafka> {
  const cluster = await LocalKafkaCluster.start({
    nodes,
    version: env.INTELROUTE_KAFKA_VERSION ?? '3.9.1',
    heapMb: 512,
    startTimeoutMs: 120_000,
    cacheDir: env.INTELROUTE_KAFKA_CACHE_DIR ?? null,
    env,
    logger: createLogger(env.INTELROUTE_TEST_LOG_LEVEL === 'debug' ? 'debug' : 'warn'),
    stopGraceMs: 5000,
  });
  return { brokers: cluster.brokers, kind: 'local', stop: () => cluster.stop() };
}

async function startContainer(): Promise<TestKafka> {
  // Loaded only here: the package talks to Docker and is useless without an engine.
  const { KafkaContainer } = await import('@testcontainers/kafka');
  // The module drives Confluent's image; 7.9.x is its build of Apache Kafka 3.9.
  const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
  const broker = `${container.getHost()}:${container.getMappedPort(9093)}`;
  return {
    brokers: [broker],
    kind: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

function javaRuns(env: NodeJS.ProcessEnv): boolean {
  const java = env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java';
  return spawnSync(java, ['-version'], { env }).status === 0;
}

function dockerAnswers(env: NodeJS.ProcessEnv): boolean {
  if (!env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  return spawnSync('docker', ['info'], { env, timeout: 5000 }).status === 0;
}
