import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../../src/config';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { applyTopicPlan } from '../../../src/kafka/topic-provisioning';
import { LocalKafkaCluster } from '../../../src/kafka/local';
import { silentLogger } from '../../../src/telemetry/logger';
import { uniqueName } from '../../helpers/kafka';
import { eventually } from '../../helpers/eventually';
import { killStartedClis, processAlive, startCli, waitForLine } from '../../helpers/cli';
import { TestCertificates } from '../../helpers/gateway-harness';

jest.setTimeout(180_000);
afterEach(killStartedClis);

/** Stands for the output file in a command line. */
const OUT = '<out>';

/** A config file in a temp folder; its path. */
function configFile(config: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'long-running-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The process's exit code and when it exited (listen right after starting it). */
function exitOf(child: ReturnType<typeof startCli>) {
  return new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
}

/**
 * Long-running commands and a Kafka that is gone: they stop within their grace period on
 * SIGTERM whatever Kafka's state, and `start` notices its own broker dying.
 */
describe('long-running commands when Kafka is not there', () => {
  let cluster: LocalKafkaCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it.each([
    ['consume country FR', ['consume', 'country', 'FR', '--out', OUT], /^reader .* ready/],
    ['links run', ['links', 'run'], /^link detector ready/],
  ])(
    '%s stops within its grace period on SIGTERM once its broker is dead',
    async (_name, args, ready) => {
      cluster = await LocalKafkaCluster.start({
        ...loadConfig({ env: {} }).localKafka,
        env: process.env,
      });
      const prefix = `${uniqueName('lr')}.`;
      const topics = {
        ...loadConfig({ env: {} }).topics,
        prefix,
        partitions: 1,
        memberCountries: ['FR', 'DE'],
      };
      const kafka = createKafkaClient({
        brokers: cluster.brokers,
        clientId: 'lr',
        logger: silentLogger(),
      });
      const admin = kafka.admin();
      await admin.connect();
      await applyTopicPlan({ admin, topics, memberCountries: ['FR', 'DE'] });
      await admin.disconnect();
      const certs = await TestCertificates.create();
      await certs.client('urn:intelroute:system:link-detector');
      const secretFile = path.join(certs.dir, 'link-secret');
      writeFileSync(secretFile, randomBytes(32));
      const config = configFile({
        readers: { shutdownGraceMs: 3000 },
        telemetry: { shutdownTimeoutMs: 1000 },
        links: { secretFile },
        systemClient: { certsDir: certs.dir, gatewayAddress: '127.0.0.1:1' },
      });
      const child = startCli(
        args.map((arg) => (arg === OUT ? path.join(certs.dir, 'out.jsonl') : arg)),
        {
          KAFKA_BROKERS: cluster.brokers.join(','),
          INTELROUTE_CONFIG: config,
          INTELROUTE_TOPIC_PREFIX: prefix,
          INTELROUTE_MEMBER_COUNTRIES: 'FR,DE',
          INTELROUTE_LOG_LEVEL: 'error',
        },
      );
      const exited = exitOf(child);
      child.stderr.resume();
      await waitForLine(child, ready, 60_000);
      child.stdout.resume();
      await cluster.killNode(1);
      await sleep(5000); // well into its reconnection attempts
      const signalled = Date.now();
      child.kill('SIGTERM');
      const { at } = await exited;
      expect(at - signalled).toBeLessThan(3000 + 1000 + 2000); // its grace, and a little
    },
  );

  it('start exits non-zero at once, saying so, when its local broker dies', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'start-broker-dies-'));
    const config = configFile({
      gateway: { port: 0, devCertsDir: path.join(dir, 'dev-certs') },
      localKafka: { dataDir: path.join(dir, 'kafka') },
      topics: { memberCountries: ['DE', 'FR'] },
    });
    const child = startCli(['start'], {
      KAFKA_BROKERS: '',
      INTELROUTE_CONFIG: config,
      INTELROUTE_LOG_LEVEL: 'info',
    });
    const exited = exitOf(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForLine(child, /^intelroute is running/, 150_000);
    const nodeUp = stderr.split('\n').find((line) => line.includes('"local Kafka node up"'));
    const { pid } = JSON.parse(nodeUp ?? '{}') as { pid?: number };
    expect(pid).toEqual(expect.any(Number));
    const killed = Date.now();
    process.kill(pid!, 'SIGKILL');
    const { code, at } = await exited;
    expect(code).toBe(1);
    expect(at - killed).toBeLessThan(30_000);
    expect(stderr).toMatch(/the local Kafka broker \(node 1\) died \(signal SIGKILL\)/);
    await eventually(
      async () => processAlive(pid!),
      (alive) => !alive,
      { timeoutMs: 5000 },
    );
  });
});
