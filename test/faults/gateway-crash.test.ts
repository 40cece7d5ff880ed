import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGatewayClient, type GatewayClient } from '../../src/client';
import { findFreePort } from '../../src/kafka/local/free-port';
import { killStartedClis, startCli, waitForLine } from '../helpers/cli';
import { TEST_MEMBERS, TestCertificates } from '../helpers/gateway-harness';
import { testBrokers, testKafkaClient, uniqueName } from '../helpers/kafka';
import { checkAuditTrail, expectAuditHolds } from './support/audit-check';
import { provisionFaultTopics } from './support/fault-gateway';
import { Ledger, expectLedgerHolds } from './support/ledger';
import { readStreamToLedger } from './support/ledger-reader';
import { LoadBook, requestTo, runStreamLoad } from './support/publish-load';

jest.setTimeout(240_000);
afterAll(killStartedClis);

const SENDERS = ['FR', 'IT'] as const;
const PER_STREAM = 3000;

/**
 * The gateway process is SIGKILLed mid-stream and started again with the same instance id (it
 * fences its predecessor's producer, continues its audit chain, and reloads its idempotency
 * memory from intel.v1.idempotency). The client SDK reconnects and resends every unacked message
 * with the same id: every message is acked in the end, readers handle each id once, and no id is
 * stored twice (what the killed gateway committed is answered from the reloaded memory).
 */
describe('fault: gateway SIGKILL mid-stream', () => {
  it('acks every message after a reconnect, stores and reads each id once', async () => {
    const kafka = testKafkaClient();
    const topics = await provisionFaultTopics(kafka, 3);
    const certs = await TestCertificates.create();
    const port = await findFreePort();
    const configFile = path.join(certs.dir, 'gateway-config.json');
    // One identity sends thousands of messages a second here: the rate limit is not under test.
    writeFileSync(
      configFile,
      JSON.stringify({ gateway: { rateLimitPerSecond: 1_000_000, rateLimitBurst: 1_000_000 } }),
    );
    const env = {
      KAFKA_BROKERS: testBrokers().join(','),
      INTELROUTE_TOPIC_PREFIX: topics.prefix,
      INTELROUTE_MEMBER_COUNTRIES: TEST_MEMBERS.join(','),
      INTELROUTE_CERTS_DIR: certs.dir,
      INTELROUTE_GATEWAY_PORT: String(port),
      INTELROUTE_GATEWAY_INSTANCE_ID: uniqueName('gw-crash'),
      INTELROUTE_METRICS_PORT: '0',
      INTELROUTE_CONFIG: configFile,
      INTELROUTE_LOG_LEVEL: 'error',
    };
    const startGateway = async (): Promise<ChildProcessWithoutNullStreams> => {
      const child = startCli(['gateway'], env);
      child.stderr.resume(); // a full pipe must never block it
      await waitForLine(child, /^gateway: /, 60_000);
      child.stdout.resume();
      return child;
    };

    const first = await startGateway();
    const ledger = new Ledger('gateway-sigkill (restart, same instance id, SDK resend)');
    const book = new LoadBook(ledger);
    const clients: GatewayClient[] = [];
    for (const origin of SENDERS) {
      const files = await certs.client(`urn:intelroute:ncb:${origin}`);
      clients.push(
        createGatewayClient({
          address: `127.0.0.1:${port}`,
          tls: { ...files, serverName: 'localhost' },
          retry: { maxAttempts: 20, initialBackoffMs: 200, maxBackoffMs: 2000 },
          reconnect: { maxAttempts: 40, initialBackoffMs: 200, maxBackoffMs: 1000 },
        }),
      );
    }
    const load = Promise.all(
      SENDERS.map((origin, index) =>
        runStreamLoad({
          client: clients[index] as GatewayClient,
          book,
          count: PER_STREAM,
          maxInFlight: 256,
          message: (i) => ({
            envelope: requestTo(origin, 'DE', i % 4 === 0 ? `case-${origin}` : ''),
            towardsReader: true,
          }),
        }),
      ),
    );
    const watchdog = setTimeout(() => clients.forEach((c) => c.close()), 180_000);
    let second: ChildProcessWithoutNullStreams | undefined;
    let inFlightAtKill: number | undefined;
    try {
      await ledger.whenAcked(1500, 60_000, load);
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      inFlightAtKill = ledger.counts().sent - ledger.settledCount;
      second = await startGateway();
      await load;
    } catch (error) {
      ledger.print();
      throw error;
    } finally {
      clearTimeout(watchdog);
      clients.forEach((c) => c.close());
    }
    const secondExited = new Promise((resolve) => second?.once('exit', resolve));
    second.kill('SIGTERM');
    expect(await secondExited).toBe(0);

    const stored = await readStreamToLedger({
      kafka,
      prefix: topics.prefix,
      country: 'DE',
      ledger,
      timeoutMs: 120_000,
    });
    const audit = await checkAuditTrail(kafka, topics.prefix);
    ledger.note(`unsettled-at-kill=${inFlightAtKill} duplicate-acks=${book.duplicateAcks}`);
    ledger.note(`refusals=${JSON.stringify(ledger.refusalCodes())}`);
    ledger.note(`records=${stored.records} kafka-duplicates=${stored.duplicates}`);
    ledger.note(audit.summary);

    expectLedgerHolds(ledger, SENDERS.length * PER_STREAM);
    expect(inFlightAtKill).toBeGreaterThan(0); // killed with messages in flight
    expect(ledger.counts().refused).toBe(0); // the SDK resent every one until acked
    // What the killed gateway committed was answered from its reloaded memory, not rewritten.
    expect(stored.duplicates).toBe(0);
    expectAuditHolds(audit, ledger.ackedIdList());
  });
});
