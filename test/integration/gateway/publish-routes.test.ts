import { Envelope, Channel } from '../../../src/contract/generated/intelroute/v1/envelope';
import type { PublishAck } from '../../../src/contract/generated/intelroute/v1/gateway';
import { HandlingCode } from '../../../src/contract/generated/intelroute/v1/envelope';
import { validEnvelope, type MessageType } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(60_000);

/** DOMAIN.md's default routes for each fixture (its origin and destinations). */
const CASES: ReadonlyArray<{ type: MessageType; sender: string; topics: string[] }> = [
  {
    type: 'online-vendor-report',
    sender: 'urn:intelroute:ncb:FR',
    topics: ['intel.v1.secretariat', 'intel.v1.wg.internet-drugs'],
  },
  { type: 'seizure-report', sender: 'urn:intelroute:ncb:FR', topics: ['intel.v1.secretariat'] },
  { type: 'information-request', sender: 'urn:intelroute:ncb:FR', topics: ['intel.v1.country.DE'] },
  {
    type: 'information-response',
    sender: 'urn:intelroute:ncb:FR',
    topics: ['intel.v1.country.DK'],
  },
  {
    type: 'contact-point-update',
    sender: 'urn:intelroute:ncb:IT',
    topics: ['intel.v1.directory.contact-points', 'intel.v1.secretariat'],
  },
  { type: 'training-event', sender: 'urn:intelroute:ncb:FR', topics: ['intel.v1.broadcast'] },
  {
    type: 'working-group-contribution',
    sender: 'urn:intelroute:wg:NL',
    topics: ['intel.v1.secretariat', 'intel.v1.wg.internet-drugs'],
  },
  {
    type: 'link-alert',
    sender: 'urn:intelroute:system:link-detector',
    topics: ['intel.v1.country.FR', 'intel.v1.secretariat'],
  },
];

describe('gateway: every message type lands, byte-exact, where its rules and restrictions say', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  /** The envelope stored at each acked location, decoded, keyed by topic. */
  async function storedCopies(ack: PublishAck): Promise<Map<string, Envelope>> {
    const copies = new Map<string, Envelope>();
    for (const location of ack.records) {
      const records = await readAllCommitted(kafka, location.topic);
      const record = records.find(
        (r) => r.partition === location.partition && r.offset === location.offset,
      );
      expect(record).toBeDefined();
      copies.set(location.topic, Envelope.decode(record!.value));
    }
    return copies;
  }

  it.each(CASES)('$type from $sender goes to exactly $topics', async ({ type, sender, topics }) => {
    const client = await gw.client(sender);
    const sent = validEnvelope(type);
    const ack = await client.publish(sent);

    expect(ack.messageId).toBe(sent.messageId);
    expect(ack.duplicate).toBe(false);
    expect(ack.records.map((r) => r.topic).sort()).toEqual(topics.map((t) => gw.topic(t)).sort());
    for (const [topic, stored] of await storedCopies(ack)) {
      expect({ topic, ...stored, receipt: undefined }).toEqual({
        topic,
        ...sent,
        receipt: undefined,
      });
      expect(Buffer.compare(stored.payload, sent.payload)).toBe(0);
      expect(stored.receipt?.sender).toBe(sender);
      expect(stored.receipt?.traceId).toBe(ack.traceId);
    }
  });

  it('never writes to a country outside restricted_to, even when named and when a rule adds it', async () => {
    const client = await gw.client('urn:intelroute:ncb:FR');
    const sent = validEnvelope('online-vendor-report', {
      destinations: [
        { target: { $case: 'country', country: 'DE' } },
        { target: { $case: 'country', country: 'ES' } },
      ],
      handling: {
        code: HandlingCode.HANDLING_CODE_H1,
        restrictedTo: ['ES'],
        restrictions: [],
        restrictionText: '',
        retentionDays: 365,
      },
    });
    const ack = await client.publish(sent);
    const written = ack.records.map((r) => r.topic);
    expect(written).toContain(gw.topic('intel.v1.country.ES'));
    expect(written).not.toContain(gw.topic('intel.v1.country.DE'));
    expect(ack.routesNotTaken).toContainEqual(
      expect.objectContaining({
        topic: gw.topic('intel.v1.country.DE'),
        reason: 'RESTRICTED_TO_EXCLUDES',
      }),
    );
    const inboxDE = await readAllCommitted(kafka, gw.topic('intel.v1.country.DE'));
    expect(inboxDE.map((r) => r.headers['message-id'])).not.toContain(sent.messageId);
  });

  it('fans a broadcast under restricted_to out to the allowed inboxes, never the broadcast topic', async () => {
    const client = await gw.client('urn:intelroute:ncb:FR');
    const sent = validEnvelope('training-event', {
      destinations: [{ target: { $case: 'channel', channel: Channel.CHANNEL_BROADCAST } }],
      handling: {
        code: HandlingCode.HANDLING_CODE_H0,
        restrictedTo: ['BE', 'NL'],
        restrictions: [],
        restrictionText: '',
        retentionDays: 30,
      },
    });
    const ack = await client.publish(sent);
    expect(ack.records.map((r) => r.topic).sort()).toEqual(
      [gw.topic('intel.v1.country.BE'), gw.topic('intel.v1.country.NL')].sort(),
    );
  });

  it('keys the directory record by country, so compaction keeps each country’s latest contact point', async () => {
    const client = await gw.client('urn:intelroute:ncb:IT');
    const ack = await client.publish(validEnvelope('contact-point-update'));
    const location = ack.records.find(
      (r) => r.topic === gw.topic('intel.v1.directory.contact-points'),
    )!;
    const records = await readAllCommitted(kafka, location.topic);
    const record = records.find(
      (r) => r.offset === location.offset && r.partition === location.partition,
    );
    expect(record?.key?.toString()).toBe('IT');
  });
});
