import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { LocalKafkaCluster } from '../../../src/kafka/local';
import { killStartedClis, startCli, waitForLine } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { startTestGateway, TEST_MEMBERS, type TestGateway } from '../../helpers/gateway-harness';
import { healthStatus } from '../../helpers/health';

jest.setTimeout(240_000);

/**
 * With no traffic at all, the gateway (gRPC health) and a reader (/readyz) notice on their own
 * that their broker is dead or frozen, within 10 s, and that it is back, within 10 s of it
 * answering again. Measured from the fault to the first probe that shows it (polled every 250 ms).
 */
describe('health without traffic while the broker dies, freezes and returns', () => {
  let cluster: LocalKafkaCluster;
  let gw: TestGateway;
  let readyz: () => Promise<number>;
  let grpcHealth: () => Promise<string>;

  beforeAll(async () => {
    cluster = await LocalKafkaCluster.start({
      ...loadConfig({ env: {} }).localKafka,
      env: process.env,
      stopGraceMs: 5000,
    });
    gw = await startTestGateway({ brokers: cluster.brokers });
    const files = await gw.certs.client('urn:intelroute:ncb:FR');
    const credentials = grpc.credentials.createSsl(
      readFileSync(files.caFile),
      readFileSync(files.keyFile),
      readFileSync(files.certFile),
    );
    grpcHealth = () => healthStatus(gw.address, credentials);
    const reader = startCli(
      ['consume', 'country', 'FR', '--out', path.join(gw.certs.dir, 'fr.jsonl')],
      {
        KAFKA_BROKERS: cluster.brokers.join(','),
        INTELROUTE_TOPIC_PREFIX: gw.prefix,
        INTELROUTE_MEMBER_COUNTRIES: TEST_MEMBERS.join(','),
        INTELROUTE_METRICS_PORT: '0',
        INTELROUTE_LOG_LEVEL: 'error',
      },
    );
    reader.stderr.resume();
    const line = await waitForLine(reader, /^reader .* ready/, 60_000);
    reader.stdout.resume();
    const metrics = /metrics (http:\/\/[^/]+)\/metrics/.exec(line)?.[1];
    if (metrics === undefined) throw new Error(`no metrics address in "${line}"`);
    readyz = () =>
      fetch(`${metrics}/readyz`, { signal: AbortSignal.timeout(3000) })
        .then((response) => response.status)
        .catch(() => 0);
  });
  afterAll(async () => {
    await killStartedClis();
    await gw?.stop();
    await cluster?.stop();
  });

  /** Milliseconds until both probes show the expected state. */
  async function msUntil(gatewayStatus: string, readerStatus: number): Promise<number> {
    const started = Date.now();
    await eventually(
      async () => [await grpcHealth(), await readyz()] as const,
      ([g, r]) => g === gatewayStatus && r === readerStatus,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    return Date.now() - started;
  }

  it('is healthy, then NOT_SERVING/503 within 10 s of a broker SIGKILL, and back within 10 s of its restart', async () => {
    expect(await msUntil('SERVING', 200)).toBeLessThan(10_000);
    await cluster.killNode(1);
    const down = await msUntil('NOT_SERVING', 503);
    await cluster.restartNode(1);
    const up = await msUntil('SERVING', 200);
    process.stderr.write(
      `[health] broker killed: noticed in ${down} ms; restarted: back in ${up} ms\n`,
    );
    expect(down).toBeLessThan(10_000);
    expect(up).toBeLessThan(10_000);
  });

  it('turns NOT_SERVING/503 within 10 s of a broker SIGSTOP, and back within 10 s of SIGCONT', async () => {
    cluster.pauseNode(1);
    let down: number;
    try {
      down = await msUntil('NOT_SERVING', 503);
    } finally {
      cluster.resumeNode(1);
    }
    const up = await msUntil('SERVING', 200);
    process.stderr.write(
      `[health] broker frozen: noticed in ${down} ms; thawed: back in ${up} ms\n`,
    );
    expect(down).toBeLessThan(10_000);
    expect(up).toBeLessThan(10_000);
  });
});
