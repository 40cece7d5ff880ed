import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../helpers/eventually';
import { killStartedClis, processAlive, runCli, startCli, waitForLine } from '../../helpers/cli';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { createTopicsAndWait } from '../../../src/kafka/topic-admin';
import { silentLogger } from '../../../src/telemetry/logger';
import { uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(120_000);
afterEach(killStartedClis);

/** The JSON log line announcing the broker node (stderr may trail stdout a little). */
function nodeUpLine(stderr: () => string): Promise<string> {
  const find = async () =>
    stderr()
      .split('\n')
      .find((line) => line.includes('"node up"'));
  return eventually(find, (line) => line !== undefined, { timeoutMs: 5000 }) as Promise<string>;
}

describe('intelroute kafka start', () => {
  it('prints KAFKA_BROKERS once writable, and on SIGTERM stops leaving no JVM (nor data, --ephemeral) behind', async () => {
    const child = startCli(['kafka', 'start', '--ephemeral'], {
      KAFKA_BROKERS: '',
      INTELROUTE_LOG_LEVEL: 'info',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const line = await waitForLine(child, /^KAFKA_BROKERS=/);
    expect(line).toMatch(/^KAFKA_BROKERS=127\.0\.0\.1:\d+$/);

    const nodeUp = JSON.parse(await nodeUpLine(() => stderr)) as { pid?: number; log?: string };
    expect(nodeUp.pid).toEqual(expect.any(Number));
    expect(processAlive(nodeUp.pid!)).toBe(true);
    const dataDir = path.dirname(path.dirname(path.dirname(nodeUp.log!)));
    expect(existsSync(dataDir)).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(processAlive(nodeUp.pid!)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('kills its broker when it is itself killed (SIGKILL): no orphan JVM', async () => {
    const child = startCli(['kafka', 'start', '--ephemeral'], {
      KAFKA_BROKERS: '',
      INTELROUTE_LOG_LEVEL: 'info',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForLine(child, /^KAFKA_BROKERS=/);
    const { pid } = JSON.parse(await nodeUpLine(() => stderr)) as { pid: number };
    child.kill('SIGKILL');
    await eventually(
      async () => processAlive(pid),
      (alive) => !alive,
      { timeoutMs: 10_000 },
    );
  });

  it('keeps its data by default: started again on the folder, it answers on the same address with the same records', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'kept-kafka-')), 'kafka');
    const env = { KAFKA_BROKERS: '', INTELROUTE_KAFKA_DATA_DIR: dataDir };
    const first = startCli(['kafka', 'start'], env);
    const brokers = (await waitForLine(first, /^KAFKA_BROKERS=/)).slice('KAFKA_BROKERS='.length);
    const topic = uniqueName('kept');
    const kafka = createKafkaClient({
      brokers: brokers.split(','),
      clientId: 'kept',
      logger: silentLogger(),
    });
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [
      { name: topic, partitions: 1, replicationFactor: 1, configs: {} },
    ]);
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'kept' }] });
    await producer.disconnect();
    const stopped = new Promise<number | null>((resolve) => first.once('exit', resolve));
    first.kill('SIGTERM');
    expect(await stopped).toBe(0);
    expect(existsSync(path.join(dataDir, 'cluster.json'))).toBe(true);

    const second = startCli(['kafka', 'start'], env);
    expect(await waitForLine(second, /^KAFKA_BROKERS=/)).toBe(`KAFKA_BROKERS=${brokers}`);
    expect((await readAllCommitted(kafka, topic)).map((r) => r.value.toString())).toEqual(['kept']);
    const again = new Promise<number | null>((resolve) => second.once('exit', resolve));
    second.kill('SIGTERM');
    expect(await again).toBe(0);
  });

  it('fails at once, naming Java 17, when java is not on PATH', async () => {
    const binWithoutJava = mkdtempSync(path.join(os.tmpdir(), 'no-java-'));
    symlinkSync(process.execPath, path.join(binWithoutJava, 'node'));
    const started = Date.now();
    const result = await runCli(['kafka', 'start'], {
      PATH: binWithoutJava,
      JAVA_HOME: '',
      KAFKA_BROKERS: '',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Java 17 or newer is required/);
    expect(result.stderr).toMatch(/\[JAVA_MISSING\]/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('intelroute topics', () => {
  it('plan shows the changes, apply makes them, and a second apply says nothing changes', async () => {
    const env = {
      INTELROUTE_TOPIC_PREFIX: `${uniqueName('cli')}.`,
      INTELROUTE_MEMBER_COUNTRIES: 'FR,DE,ES',
      INTELROUTE_LOG_LEVEL: 'warn',
    };
    const plan = await runCli(['topics', 'plan'], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^\+ create .*intel\.v1\.country\.ES /m);
    expect(plan.stdout).toMatch(/would change: 16 change\(s\), 0 conflict\(s\)/);

    const first = await runCli(['topics', 'apply'], env);
    expect(first.stdout).toMatch(/changed: 16 change\(s\)/);
    const second = await runCli(['topics', 'apply'], env);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('nothing to change: 16 topics up to date');
  });

  it('refuses to run without a cluster, saying how to get one', async () => {
    const result = await runCli(['topics', 'plan'], { KAFKA_BROKERS: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no Kafka cluster configured: set KAFKA_BROKERS/);
  });
});
