import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Admin } from 'kafkajs';
import { TOPICS, countryTopic } from '../../../src/contract/topic-names';
import { linkDetectorGroups } from '../../../src/services/links/detector/link-detector';
import { killStartedClis, startCli } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { startTestGateway, TEST_MEMBERS, type TestGateway } from '../../helpers/gateway-harness';
import { testBrokers, testKafkaClient, uniqueName } from '../../helpers/kafka';
import {
  duplicatesAnswered,
  readAlerts,
  secretFile,
  testSecret,
  vendorReport,
} from './links-fixtures';

jest.setTimeout(120_000);

const LINKS = 40;

describe('link detector killed and restarted mid-run (child process, SIGKILL)', () => {
  const kafka = testKafkaClient();
  const admin: Admin = kafka.admin();
  let gw: TestGateway;
  let configFile: string;
  const instanceId = uniqueName('restart');

  beforeAll(async () => {
    await admin.connect();
    gw = await startTestGateway();
    await gw.certs.client('urn:intelroute:system:link-detector');
    configFile = writeConfig(gw, secretFile(testSecret()));
  });

  afterEach(() => killStartedClis());

  afterAll(async () => {
    await gw?.stop();
    await admin.disconnect();
  });

  it('loses no alert and repeats none', async () => {
    const first = await startDetector(configFile, instanceId);
    const tag = randomBytes(4).toString('hex');
    const fr = await gw.client('urn:intelroute:ncb:FR');
    const de = await gw.client('urn:intelroute:ncb:DE');
    const domains = Array.from({ length: LINKS }, (_, i) => `pharma-${tag}-${i}.com`);
    await Promise.all(domains.map((d) => fr.publish(vendorReport('FR', { domains: [d] }))));
    await Promise.all(domains.map((d) => de.publish(vendorReport('DE', { domains: [d] }))));

    // Kill as soon as the first alert is committed, while the rest are still being decided.
    await eventually(
      () => committedRecords(admin, gw.topic(countryTopic('FR'))),
      (n) => n > 0,
      {
        intervalMs: 20,
      },
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // How many alerts were out when the kill landed, and how many of them the restart sent
    // again, depend on where the kill lands: reported, not asserted. What must hold whatever
    // it hit: every alert once, none twice.
    const atKill = (await readAlerts(kafka, gw.topic(TOPICS.secretariat))).length;

    await startDetector(configFile, instanceId);
    const expected = { FR: LINKS, DE: LINKS, SEC: LINKS };
    const counted = await eventually(
      () => alertCounts(),
      (c) => c.SEC >= LINKS && c.FR >= LINKS && c.DE >= LINKS,
      {
        timeoutMs: 60_000,
      },
    );
    await indexCaughtUp(admin, linkDetectorGroups(gw.prefix).index, gw.topic(TOPICS.linkSelectors));
    expect(await alertCounts()).toEqual(expected);
    expect(counted).toEqual(expected);
    // An alert sent before the kill but not yet committed as sent is sent again by the restart:
    // the gateway answers it as a duplicate (its id is derived from the link) and writes nothing.
    const urn = 'urn:intelroute:system:link-detector';
    const resent = await duplicatesAnswered(kafka, gw.topic(TOPICS.audit), urn);
    process.stderr.write(
      `[links] killed with ${atKill}/${LINKS} alerts out; ${resent} re-sent as duplicates\n`,
    );
    for (const topic of [countryTopic('FR'), countryTopic('DE'), TOPICS.secretariat]) {
      const alerts = await readAlerts(kafka, gw.topic(topic));
      expect(new Set(alerts.map((a) => a.messageId)).size).toBe(LINKS);
      expect(new Set(alerts.map((a) => a.payload.linkId)).size).toBe(LINKS);
    }
  });

  async function alertCounts(): Promise<{ FR: number; DE: number; SEC: number }> {
    const read = (topic: string) => readAlerts(kafka, gw.topic(topic)).then((a) => a.length);
    const [FR, DE, SEC] = await Promise.all([
      read(countryTopic('FR')),
      read(countryTopic('DE')),
      read(TOPICS.secretariat),
    ]);
    return { FR, DE, SEC };
  }
});

/** Starts `intelroute links run` and resolves once it printed its ready line. */
async function startDetector(
  configFile: string,
  instanceId: string,
): Promise<ChildProcessWithoutNullStreams> {
  const child = startCli(['links', 'run', '--instance-id', instanceId], {
    INTELROUTE_CONFIG: configFile,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('link detector ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`detector exited (${code}): ${stderr}`)));
  });
  return child;
}

function writeConfig(gw: TestGateway, secret: string): string {
  const file = path.join(os.tmpdir(), `${uniqueName('links-config')}.json`);
  const config = {
    logLevel: 'warn',
    kafka: { brokers: testBrokers() },
    topics: { prefix: gw.prefix, partitions: 2, memberCountries: [...TEST_MEMBERS] },
    readers: { sessionTimeoutMs: 6000, commitMaxDelayMs: 100, retryInitialBackoffMs: 20 },
    links: { secretFile: secret },
    systemClient: { gatewayAddress: gw.address, certsDir: gw.certs.dir, serverName: 'localhost' },
    telemetry: { metricsPort: null },
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Records committed to `topic` so far, from its offsets (commit markers excluded roughly). */
async function committedRecords(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Waits until the group's committed offsets reach the end of every partition of `topic`. */
async function indexCaughtUp(admin: Admin, group: string, topic: string): Promise<void> {
  await eventually(
    async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return ends.every((end) => {
        const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset;
        return at !== undefined && BigInt(at) >= BigInt(end.high);
      });
    },
    Boolean,
    { timeoutMs: 30_000 },
  );
}
