import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { PublishRefusedError } from '../../../src/client';
import { loadConfig } from '../../../src/config';
import { LocalKafkaCluster } from '../../../src/kafka/local';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { healthStatus } from '../../helpers/health';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(180_000);

/**
 * The broker dies while messages flow: nothing unwritten is acknowledged, calls fail within their
 * deadline, health turns NOT_SERVING, and the gateway recovers by itself when the broker returns.
 */
describe('gateway with its broker stopped mid-stream', () => {
  let cluster: LocalKafkaCluster;
  let gw: TestGateway;

  beforeAll(async () => {
    cluster = await LocalKafkaCluster.start({
      ...loadConfig({ env: {} }).localKafka,
      env: process.env,
      stopGraceMs: 5000,
    });
    gw = await startTestGateway({ brokers: cluster.brokers, gateway: { publishTimeoutMs: 4000 } });
  });
  afterAll(async () => {
    await gw?.stop();
    await cluster?.stop();
  });

  it('never acks an unwritten message, keeps every acked one, and recovers', async () => {
    const client = await gw.client('urn:intelroute:ncb:FR', { retry: false });
    const files = await gw.certs.client('urn:intelroute:ncb:FR');
    const credentials = grpc.credentials.createSsl(
      readFileSync(files.caFile),
      readFileSync(files.keyFile),
      readFileSync(files.certFile),
    );
    const health = () => healthStatus(gw.address, credentials);
    expect(await health()).toBe('SERVING');

    const acked: string[] = [];
    const failures: string[] = [];
    const publishOne = async (): Promise<void> => {
      const envelope = validEnvelope('information-request');
      const started = Date.now();
      try {
        await client.publish(envelope, { deadlineMs: 6000 });
        acked.push(envelope.messageId);
      } catch (error) {
        expect(error).toBeInstanceOf(PublishRefusedError);
        expect(['UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(
          (error as PublishRefusedError).refusal.codeName,
        );
        expect(Date.now() - started).toBeLessThan(6500); // within its deadline: never hangs
        failures.push(envelope.messageId);
      }
    };

    for (let i = 0; i < 30; i++) await publishOne();
    await cluster.killNode(1);
    const during = Promise.all(Array.from({ length: 20 }, publishOne));
    await eventually(health, (status) => status === 'NOT_SERVING', { timeoutMs: 20_000 });
    await during;
    expect(failures.length).toBeGreaterThan(0);

    await cluster.restartNode(1);
    await eventually(health, (status) => status === 'SERVING', { timeoutMs: 60_000 });
    for (let i = 0; i < 30; i++) await publishOne();

    const kafka = createKafkaClient({
      brokers: cluster.brokers,
      clientId: 'check',
      logger: silentLogger(),
    });
    const stored = new Set(
      (await readAllCommitted(kafka, gw.topic('intel.v1.country.DE'))).map(
        (r) => r.headers['message-id'],
      ),
    );
    for (const id of acked) expect(stored.has(id)).toBe(true);
    expect(acked.length).toBeGreaterThanOrEqual(60);
    process.stderr.write(
      `[broker-trouble] acked ${acked.length}, failed ${failures.length}, stored ${stored.size}\n`,
    );
  });
});
