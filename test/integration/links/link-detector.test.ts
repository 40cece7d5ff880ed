import type { Admin } from 'kafkajs';
import type { GatewayClient } from '../../../src/client';
import { TOPICS, countryTopic } from '../../../src/contract/topic-names';
import { OriginKind, Restriction } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  LinkDetector,
  linkDetectorGroups,
} from '../../../src/services/links/detector/link-detector';
import { linksOfMessage, readLinkIndex } from '../../../src/services/links/detector/show-links';
import { silentLogger } from '../../../src/telemetry/logger';
import { fixturePayload, payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { runCli } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';
import {
  linkTestSettings,
  readAlerts,
  testSecret,
  vendorReport,
  type ReadAlert,
} from './links-fixtures';

jest.setTimeout(90_000);

const RAW = ['example-pharma', 'sales@', 'www.example'];

interface Counts {
  FR: number;
  DE: number;
  ES: number;
  IT: number;
  SEC: number;
}

describe('link detector (in-process gateway over mTLS, real Kafka)', () => {
  const kafka = testKafkaClient();
  const admin: Admin = kafka.admin();
  let gw: TestGateway;
  let detector: LinkDetector;
  const clients = new Map<string, GatewayClient>();

  const send = async (urn: string, envelope: Parameters<GatewayClient['publish']>[0]) => {
    const client = clients.get(urn) ?? (await gw.client(urn));
    clients.set(urn, client);
    return client.publish(envelope);
  };
  const alertsIn = async (topic: string): Promise<ReadAlert[]> =>
    readAlerts(kafka, gw.topic(topic));
  const counts = async (): Promise<Counts> => {
    const topics = [...['FR', 'DE', 'ES', 'IT'].map(countryTopic), TOPICS.secretariat];
    const [FR, DE, ES, IT, SEC] = (await Promise.all(topics.map(alertsIn))).map((a) => a.length);
    return { FR: FR ?? 0, DE: DE ?? 0, ES: ES ?? 0, IT: IT ?? 0, SEC: SEC ?? 0 };
  };
  /** Waits until the index holds `messageId` (its alerts, if any, were sent before the commit). */
  const indexed = (messageId: string) =>
    eventually(
      async () => readLinkIndex({ kafka, admin, topicPrefix: gw.prefix }),
      (states) => states.some((s) => s.observations.some((o) => o.messageId === messageId)),
    );

  beforeAll(async () => {
    await admin.connect();
    gw = await startTestGateway();
    const contact = fixturePayload('contact-point-update') as Record<string, unknown>;
    await send(
      'urn:intelroute:ncb:DE',
      validEnvelope('contact-point-update', {
        origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'DE', agencyId: '' },
        createdAt: new Date(),
        payload: payloadBytes({ ...contact, country: 'DE' }),
      }),
    );
    detector = new LinkDetector({
      kafka,
      logger: silentLogger(),
      topicPrefix: gw.prefix,
      instanceId: uniqueName('links'),
      secret: testSecret(),
      settings: linkTestSettings(),
      maxObservationsPerSelector: 1000,
      gateway: await gw.client('urn:intelroute:system:link-detector'),
      publishTimeoutMs: 10_000,
    });
    await detector.start();
  });

  afterAll(async () => {
    await detector?.stop();
    await gw?.stop();
    await admin.disconnect();
  });

  it('alerts FR, DE and the Secretariat once, not on a repeat sighting, and a restricted newcomer within its restriction', async () => {
    const fr1 = vendorReport('FR', { urls: ['https://www.example-pharma.com/buy'] });
    await send('urn:intelroute:ncb:FR', fr1);
    const de1 = vendorReport('DE', {
      emails: ['sales@example-pharma.com'],
      domains: ['example-pharma.com'],
    });
    await send('urn:intelroute:ncb:DE', de1);

    await eventually(counts, (c) => c.FR >= 1 && c.DE >= 1 && c.SEC >= 1);
    await indexed(de1.messageId);
    expect(await counts()).toEqual({ FR: 1, DE: 1, ES: 0, IT: 0, SEC: 1 });

    const [frAlert] = await alertsIn(countryTopic('FR'));
    expect(frAlert?.destinations).toEqual(['FR']);
    expect(frAlert?.payload).toMatchObject({
      selectorKind: 'domain',
      ownReports: [{ messageId: fr1.messageId, selectorPaths: ['/urls/0'] }],
      matches: [{ country: 'DE', reportCount: 1, contactPoint: { name: 'Giulia Rossi' } }],
    });
    const [deAlert] = await alertsIn(countryTopic('DE'));
    expect(deAlert?.payload.ownReports).toEqual([
      { messageId: de1.messageId, selectorPaths: ['/domains/0', '/emails/0'] },
    ]);
    expect(deAlert?.payload.matches).toEqual([
      expect.objectContaining({ country: 'FR', reportCount: 1 }),
    ]);
    expect(JSON.stringify(deAlert)).not.toContain(fr1.messageId);
    const [secAlert] = await alertsIn(TOPICS.secretariat);
    expect(secAlert?.payload.matches.map((m) => m.country)).toEqual(['DE', 'FR']);
    expect(new Set([frAlert?.payload.linkId, deAlert?.payload.linkId])).toEqual(
      new Set([secAlert?.payload.linkId]),
    );

    // A third sighting by a country already linked: indexed, no new alert anywhere.
    const fr2 = vendorReport('FR', { domains: ['example-pharma.com'] });
    await send('urn:intelroute:ncb:FR', fr2);
    await indexed(fr2.messageId);
    expect(await counts()).toEqual({ FR: 1, DE: 1, ES: 0, IT: 0, SEC: 1 });

    // A report flagged NO_LINK_ANALYSIS is never used, and ES restricted to itself joins.
    const it1 = vendorReport(
      'IT',
      { domains: ['example-pharma.com'] },
      { restrictions: [Restriction.RESTRICTION_NO_LINK_ANALYSIS] },
    );
    await send('urn:intelroute:ncb:IT', it1);
    const es1 = vendorReport('ES', { domains: ['example-pharma.com'] }, { restrictedTo: ['ES'] });
    await send('urn:intelroute:ncb:ES', es1);
    await indexed(es1.messageId);
    await observerCaughtUp(
      admin,
      linkDetectorGroups(gw.prefix).observer,
      gw.topic(TOPICS.secretariat),
    );
    expect(await counts()).toEqual({ FR: 1, DE: 1, ES: 1, IT: 0, SEC: 2 });

    const [esAlert] = await alertsIn(countryTopic('ES'));
    expect(esAlert?.payload.ownReports).toEqual([
      { messageId: es1.messageId, selectorPaths: ['/domains/0'] },
    ]);
    expect(esAlert?.payload.matches).toEqual([
      expect.objectContaining({ country: 'DE', reportCount: 1 }),
      expect.objectContaining({ country: 'FR', reportCount: 2 }),
    ]);
    const secAlerts = await alertsIn(TOPICS.secretariat);
    expect(secAlerts[1]?.payload.matches.map((m) => m.country)).toEqual(['DE', 'ES', 'FR']);

    const states = await readLinkIndex({ kafka, admin, topicPrefix: gw.prefix });
    const all = states.flatMap((s) => s.observations.map((o) => o.messageId));
    expect(all).not.toContain(it1.messageId);
    const selectors = await readAllCommitted(kafka, gw.topic(TOPICS.linkSelectors));
    expect(selectors.map((r) => r.value.toString('utf8')).join('\n')).not.toContain(it1.messageId);

    // `links show`: FR sees its link with DE only; FR may not see ES's restricted report at all.
    const asFR = linksOfMessage(states, fr1.messageId, 'FR');
    expect(asFR.map((l) => l.matches.map((m) => m.country))).toEqual([['DE']]);
    expect(linksOfMessage(states, es1.messageId, 'FR')).toEqual([]);
    expect(linksOfMessage(states, es1.messageId, 'secretariat')).toHaveLength(1);
    expect(linksOfMessage(states, fr1.messageId, 'ES')[0]?.matches.map((m) => m.country)).toEqual([
      'DE',
      'FR',
    ]);

    // The same through the CLI.
    const env = { INTELROUTE_TOPIC_PREFIX: gw.prefix, INTELROUTE_LOG_LEVEL: 'warn' };
    const asFrench = ['--as', 'urn:intelroute:ncb:FR'];
    const shown = await runCli(['links', 'show', fr1.messageId, ...asFrench], env);
    expect(shown.code).toBe(0);
    const lines = shown.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      expect.objectContaining({ ownReports: [fr1.messageId, fr2.messageId], alerted: ['DE'] }),
    ]);
    const hidden = await runCli(['links', 'show', es1.messageId, ...asFrench], env);
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(/\[LINK_NOT_FOUND\]/);
  });

  it('never stores a raw selector: the selectors topic and the index hold keyed hashes only', async () => {
    const selectors = await readAllCommitted(kafka, gw.topic(TOPICS.linkSelectors));
    const index = await readAllCommitted(kafka, gw.topic(TOPICS.linkState));
    expect(selectors.length).toBeGreaterThan(0);
    expect(index.length).toBeGreaterThan(0);
    for (const record of [...selectors, ...index]) {
      const text = `${record.key?.toString('utf8') ?? ''} ${record.value.toString('utf8')}`;
      for (const raw of RAW) expect(text).not.toContain(raw);
      expect(record.key?.toString('utf8')).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

/** Waits until the group's committed offsets reach the end of every partition of `topic`. */
async function observerCaughtUp(admin: Admin, group: string, topic: string): Promise<void> {
  await eventually(async () => {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return ends.every((end) => {
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset;
      return at !== undefined && BigInt(at) >= BigInt(end.high) - 1n;
    });
  }, Boolean);
}
