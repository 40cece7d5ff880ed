import { createGatewayClient } from '../../../src/client';
import { loadConfig } from '../../../src/config';
import { applyTopicPlan } from '../../../src/kafka/topic-provisioning';
import { findFreePort } from '../../../src/kafka/local/free-port';
import { killStartedClis, startCli, waitForLine } from '../../helpers/cli';
import { validEnvelope } from '../../helpers/envelopes';
import { TEST_MEMBERS, TestCertificates } from '../../helpers/gateway-harness';
import { testBrokers, testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(180_000);
afterEach(killStartedClis);

/**
 * SIGTERM during a 10,000-message stream: the gateway stops reading, writes and acknowledges
 * what it holds, ends the stream with UNAVAILABLE and exits 0. Every message the client saw
 * acknowledged is in Kafka.
 */
describe('gateway SIGTERM during a stream', () => {
  it('leaves every acknowledged message in Kafka', async () => {
    const prefix = `${uniqueName('sigterm')}.`;
    const kafka = testKafkaClient();
    const admin = kafka.admin();
    await admin.connect();
    const topics = { ...loadConfig({ env: {} }).topics, prefix, partitions: 3 };
    await applyTopicPlan({ admin, topics, memberCountries: [...TEST_MEMBERS] });
    await admin.disconnect();

    const certs = await TestCertificates.create();
    const port = await findFreePort();
    const gateway = startCli(['gateway'], {
      KAFKA_BROKERS: testBrokers().join(','),
      INTELROUTE_TOPIC_PREFIX: prefix,
      INTELROUTE_MEMBER_COUNTRIES: TEST_MEMBERS.join(','),
      INTELROUTE_CERTS_DIR: certs.dir,
      INTELROUTE_GATEWAY_PORT: String(port),
      INTELROUTE_LOG_LEVEL: 'warn',
    });
    await waitForLine(gateway, /^gateway: /);
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', resolve));

    const files = await certs.client('urn:intelroute:ncb:FR');
    const client = createGatewayClient({
      address: `127.0.0.1:${port}`,
      tls: { ...files, serverName: 'localhost' },
      retry: false,
      reconnect: { maxAttempts: 1 },
    });
    const stream = client.openPublishStream({ maxInFlight: 256 });
    const acked = new Set<string>();
    let refused = 0;
    let signalled = false;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const envelope = validEnvelope('information-request');
      sends.push(
        stream.send(envelope).then(
          () => {
            acked.add(envelope.messageId);
            if (acked.size === 2000 && !signalled) {
              signalled = true;
              gateway.kill('SIGTERM');
            }
          },
          () => {
            refused += 1;
          },
        ),
      );
      await stream.ready().catch(() => undefined);
    }
    await Promise.all(sends);
    stream.cancel();
    client.close();
    expect(await exited).toBe(0);

    const stored = new Set(
      (await readAllCommitted(kafka, `${prefix}intel.v1.country.DE`)).map(
        (r) => r.headers['message-id'],
      ),
    );
    const lost = [...acked].filter((id) => !stored.has(id));
    process.stderr.write(
      `[sigterm] acked ${acked.size}, not acked ${refused}, stored ${stored.size}, ambiguous ${stored.size - acked.size}\n`,
    );
    expect(signalled).toBe(true);
    expect(lost).toEqual([]);
    expect(acked.size + refused).toBe(10_000);
  });
});
