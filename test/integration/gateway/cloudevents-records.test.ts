import { CloudEvent, Kafka, type KafkaMessage } from 'cloudevents';
import { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import type { PublishAck } from '../../../src/contract/generated/intelroute/v1/gateway';
import { validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient } from '../../helpers/kafka';
import { readAllCommitted, type ReadRecord } from '../../helpers/read-topic';

jest.setTimeout(60_000);

/**
 * An independent reader: the CloudEvents SDK's own Kafka binding turns records published through
 * the gateway, as Kafka stores them, into events (binary content mode).
 */
describe('gateway: routed records read as CloudEvents by the CloudEvents SDK', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  /** Every record the ack names, read back from its topic (read_committed). */
  async function storedRecords(ack: PublishAck): Promise<ReadRecord[]> {
    const stored: ReadRecord[] = [];
    for (const location of ack.records) {
      const records = await readAllCommitted(kafka, location.topic);
      const record = records.find(
        (r) => r.partition === location.partition && r.offset === location.offset,
      );
      expect(record).toBeDefined();
      stored.push(record!);
    }
    return stored;
  }

  /** What a CloudEvents consumer gets from a record (header values are UTF-8 text in Kafka). */
  function toEvent(record: ReadRecord): CloudEvent<Buffer> {
    const message: KafkaMessage<Buffer> = {
      headers: { ...record.headers },
      key: record.key ?? '',
      value: record.value,
      body: record.value,
    };
    return Kafka.toEvent(message) as CloudEvent<Buffer>;
  }

  it('a report of the NCB of FR: one event per topic, same id and source, data = the value', async () => {
    const client = await gw.client('urn:intelroute:ncb:FR');
    const sent = validEnvelope('online-vendor-report', { caseReference: 'FR/2025/0042' });
    const ack = await client.publish(sent);
    const records = await storedRecords(ack);
    expect(records.map((r) => r.topic).sort()).toEqual(
      ['intel.v1.secretariat', 'intel.v1.wg.internet-drugs'].map((t) => gw.topic(t)).sort(),
    );

    for (const record of records) {
      const event = toEvent(record);
      expect(event.validate()).toBe(true);
      expect(event).toMatchObject({
        specversion: '1.0',
        id: sent.messageId,
        source: 'urn:intelroute:ncb:FR',
        type: 'org.intelroute.online-vendor-report.v1',
        time: sent.createdAt!.toISOString(),
        dataschema: 'https://schemas.intelroute.org/online-vendor-report/v1.json',
        subject: 'FR/2025/0042',
        datacontenttype: 'application/x-protobuf; messageType=intelroute.v1.Envelope',
      });
      // The header as stored, not only as the SDK re-formats it: RFC 3339 in UTC.
      expect(record.headers.ce_time).toBe(sent.createdAt!.toISOString());
      expect(Buffer.compare(event.data!, record.value)).toBe(0);
      const stored = Envelope.decode(event.data!);
      expect(stored.messageId).toBe(sent.messageId);
      expect(stored.receipt?.sender).toBe('urn:intelroute:ncb:FR');
      // intelroute's own headers stay beside the attributes.
      expect(record.headers).toMatchObject({
        'message-id': sent.messageId,
        'message-type': 'online-vendor-report',
        'schema-version': '1',
        origin: 'ncb:FR',
        sender: 'urn:intelroute:ncb:FR',
      });
      expect(record.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    }
  });

  it('a link alert of the system: source urn:intelroute:system, no subject without a case', async () => {
    const client = await gw.client('urn:intelroute:system:link-detector');
    const sent = validEnvelope('link-alert');
    const ack = await client.publish(sent);
    const records = await storedRecords(ack);
    expect(records.length).toBeGreaterThan(0);

    for (const record of records) {
      const event = toEvent(record);
      expect(event.validate()).toBe(true);
      expect(event).toMatchObject({
        id: sent.messageId,
        source: 'urn:intelroute:system',
        type: 'org.intelroute.link-alert.v1',
        dataschema: 'https://schemas.intelroute.org/link-alert/v1.json',
      });
      expect(event.subject).toBeUndefined();
      expect(record.headers).not.toHaveProperty('ce_subject');
    }
  });
});
