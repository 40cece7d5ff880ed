import { PassThrough } from 'node:stream';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { messageStory, parseAuditValue } from '../../../src/audit';
import { readerStream } from '../../../src/services/readers/reader-streams';
import { ReaderRuntime } from '../../../src/services/readers/runtime/reader-runtime';
import { readerSettings } from '../../../src/services/readers/runtime/reader-settings';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { createLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testBrokers, testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';
import { recordSpans, type RecordingTelemetry } from '../../unit/telemetry/telemetry-fixtures';

jest.setTimeout(90_000);

const MARKER = 'PAYLOAD-MARKER-3c9e1f-never-outside-kafka';

/**
 * One message to two countries: one trace from the gateway's receive span through one send span
 * per topic to each country reader's process span, parented across Kafka by the traceparent
 * header; the audit trail tells the same story; no log line and no span holds payload content.
 */
describe('a message followed end to end', () => {
  let recording: RecordingTelemetry;
  let gw: TestGateway;
  const log: string[] = [];
  const readers: ReaderRuntime[] = [];

  beforeAll(async () => {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    const logger = createLogger('debug', sink);
    recording = await recordSpans({ logger });
    gw = await startTestGateway({ logger });
  });
  afterAll(async () => {
    await Promise.all(readers.map((reader) => reader.stop()));
    await gw?.stop();
    await recording?.telemetry.shutdown();
  });

  function startReader(country: string, onMessage: (messageId: string) => void): ReaderRuntime {
    const kafka = createKafkaClient({
      brokers: testBrokers(),
      clientId: `reader-${country}`,
      logger: silentLog,
    });
    const reader = new ReaderRuntime({
      kafka,
      logger: silentLog,
      stream: readerStream({ kind: 'country-inbox', country }, gw.prefix),
      instanceId: uniqueName(`reader-${country}`),
      topicPrefix: gw.prefix,
      settings: readerSettings({
        ...gw.config,
        readers: { ...gw.config.readers, commitMaxDelayMs: 50 },
      }),
      handler: async ({ envelope }) => onMessage(envelope.messageId),
    });
    readers.push(reader);
    return reader;
  }
  const silentLog = createLogger('silent');

  it('is one trace across the gateway, both writes and both readers, and one audit story', async () => {
    const handled: Record<string, string[]> = { DE: [], ES: [] };
    await Promise.all(
      ['DE', 'ES'].map((cc) => startReader(cc, (id) => handled[cc]!.push(id)).start()),
    );

    const envelope = validEnvelope('information-request', {
      destinations: [
        { target: { $case: 'country', country: 'DE' } },
        { target: { $case: 'country', country: 'ES' } },
      ],
    });
    const payload = {
      ...(JSON.parse(envelope.payload.toString()) as Record<string, unknown>),
      subject: `subject ${MARKER}`,
    };
    const client = await gw.client('urn:intelroute:ncb:FR');
    const ack = await client.publish({ ...envelope, payload: payloadBytes(payload) });
    await eventually(
      async () => handled,
      (h) => h.DE!.includes(envelope.messageId) && h.ES!.includes(envelope.messageId),
    );

    const spans = await eventually(
      async () => (await recording.spans()).filter((s) => s.spanContext().traceId === ack.traceId),
      (found) => found.filter((s) => s.name.startsWith('process ')).length === 2,
    );
    const byName = (name: string): ReadableSpan => {
      const found = spans.filter((s) => s.name === name);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const receive = byName('intelroute.v1.IntelGateway/Publish');
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    expect(parentOf(byName('validate'))).toBe(receive.spanContext().spanId);
    expect(parentOf(byName('route'))).toBe(receive.spanContext().spanId);
    for (const country of ['DE', 'ES']) {
      const topic = gw.topic(`intel.v1.country.${country}`);
      const send = byName(`send ${topic}`);
      const process = byName(`process ${topic}`);
      expect(parentOf(send)).toBe(receive.spanContext().spanId);
      expect(parentOf(process)).toBe(send.spanContext().spanId);
      expect(send.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.message.id': envelope.messageId,
      });
    }

    const audit = (await readAllCommitted(testKafkaClient(), gw.topic('intel.v1.audit'))).map((r) =>
      parseAuditValue(r.value),
    );
    const story = messageStory(audit, envelope.messageId);
    expect(story.map((r) => r.event)).toEqual([
      AuditEvent.AUDIT_EVENT_ROUTED,
      AuditEvent.AUDIT_EVENT_DELIVERED,
      AuditEvent.AUDIT_EVENT_DELIVERED,
    ]);
    expect(story[0]!.locations.map((l) => l.topic).sort()).toEqual([
      gw.topic('intel.v1.country.DE'),
      gw.topic('intel.v1.country.ES'),
    ]);
    expect(story.every((r) => r.traceId === ack.traceId)).toBe(true);

    const everySpanValue = (await recording.spans()).flatMap((s) => [
      s.name,
      ...Object.values(s.attributes).map(String),
    ]);
    expect(everySpanValue.filter((value) => value.includes(MARKER))).toEqual([]);
    expect(log.join('').length).toBeGreaterThan(0);
    expect(log.join('')).not.toContain(MARKER);
    expect(audit.map((r) => JSON.stringify(r)).join('')).not.toContain(MARKER);
  });
});
