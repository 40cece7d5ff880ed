import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGatewayClient, type GatewayClient } from '../../../src/client';
import type { StorySearch } from '../../../src/console/console-model';
import { countryTopic } from '../../../src/contract/topic-names';
import { killStartedClis, startCli, waitForLine } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { testBrokers, testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAlerts, vendorReport } from '../links/links-fixtures';

jest.setTimeout(180_000);
afterEach(killStartedClis);

/**
 * `intelroute start` (what `npm start` runs) is the whole system: beside the gateway it runs the
 * link detector and the request ledger, with development certificates and a development network
 * secret it creates itself, so two reports sharing a selector produce link alerts with nothing
 * else started.
 */
describe('intelroute start, all in one', () => {
  const clients: GatewayClient[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  it('runs the link detector and the request ledger beside the gateway, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'start-all-'));
    const prefix = `${uniqueName('all')}.`;
    const config = path.join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        gateway: { port: 0, devCertsDir: path.join(dir, 'dev-certs') },
        topics: { prefix, partitions: 1, memberCountries: ['DE', 'FR', 'IT'] },
        telemetry: { metricsPort: 0 },
      }),
    );
    const child = startCli(['start'], {
      KAFKA_BROKERS: testBrokers().join(','),
      INTELROUTE_CONFIG: config,
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitForLine(child, /^intelroute is running/, 150_000);
    expect(stdout).toMatch(/^link detector: running$/m);
    expect(stdout).toMatch(/^request ledger: running$/m);
    const port = /^gateway: [^:]+:(\d+) \(mTLS\)$/m.exec(stdout)?.[1];
    expect(port).toEqual(expect.stringMatching(/^\d+$/));

    const certs = path.join(dir, 'dev-certs');
    const client = (name: string): GatewayClient => {
      const created = createGatewayClient({
        address: `127.0.0.1:${port}`,
        tls: {
          caFile: path.join(certs, 'ca.crt'),
          certFile: path.join(certs, 'clients', `${name}.crt`),
          keyFile: path.join(certs, 'clients', `${name}.key`),
          serverName: 'localhost',
        },
      });
      clients.push(created);
      return created;
    };
    const fr = vendorReport('FR', { domains: ['all-in-one-pharma.example'] });
    const de = vendorReport('DE', { emails: ['orders@all-in-one-pharma.example'] });
    await client('ncb.FR').publish(fr);
    await client('ncb.DE').publish(de);

    const kafka = testKafkaClient();
    const alerts = await eventually(
      () => readAlerts(kafka, `${prefix}${countryTopic('FR')}`),
      (found) => found.length > 0,
      { timeoutMs: 60_000 },
    );
    expect(alerts[0]?.payload).toMatchObject({
      ownReports: [{ messageId: fr.messageId }],
      matches: [{ country: 'DE', reportCount: 1 }],
    });

    // The ops console it serves (loopback, no login) tells the report's story.
    const consoleUrl = /^ops console: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
    expect(consoleUrl).toBeDefined();
    const story = await eventually(
      async () => {
        const answer = await fetch(`${consoleUrl}api/messages?q=${fr.messageId}`);
        return (await answer.json()) as StorySearch;
      },
      (found) => found.stories.length === 1,
      { timeoutMs: 30_000 },
    );
    expect(story.stories[0]?.hops.map((hop) => hop.event)).toContain('ROUTED');

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
