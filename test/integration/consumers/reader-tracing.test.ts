import { SpanKind } from '@opentelemetry/api';
import type { Admin, Kafka } from 'kafkajs';
import type { TopicsConfig } from '../../../src/config';
import { ReaderRuntime, readerStream, type ReaderDelivery } from '../../../src/services/readers';
import { countryTopic } from '../../../src/contract/topic-names';
import { encodeMessageRecord } from '../../../src/kafka/record-format';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { testKafkaClient } from '../../helpers/kafka';
import {
  only,
  recordSpans,
  type RecordingTelemetry,
} from '../../unit/telemetry/telemetry-fixtures';
import {
  committedPast,
  provisionTopics,
  routedEnvelope,
  testSettings,
  writeRecords,
} from './consumer-fixtures';

jest.setTimeout(60_000);

describe('a reader with the OpenTelemetry SDK installed', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topics: TopicsConfig;
  let recording: RecordingTelemetry;

  beforeAll(async () => {
    kafka = testKafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topics = await provisionTopics(admin);
    recording = await recordSpans();
  });
  afterAll(async () => {
    await recording.telemetry.shutdown();
    await admin.disconnect();
  });

  it("continues the gateway's trace: one CONSUMER span per message, child of the traceparent header", async () => {
    const inbox = `${topics.prefix}${countryTopic('FR')}`;
    const stream = readerStream({ kind: 'country-inbox', country: 'FR' }, topics.prefix);
    const seen: ReaderDelivery[] = [];
    const reader = new ReaderRuntime({
      kafka,
      logger: silentLogger(),
      stream,
      instanceId: 'reader-country-FR-tracing',
      topicPrefix: topics.prefix,
      handler: async (delivery) => {
        seen.push(delivery);
      },
      settings: testSettings(),
      metrics: recording.telemetry.metrics,
    });
    const envelope = routedEnvelope('seizure-report');
    const [traceId, parentSpanId] = ['4'.repeat(32), '5'.repeat(16)];
    const record = encodeMessageRecord(inbox, envelope, {
      traceparent: `00-${traceId}-${parentSpanId}-01`,
    });
    await reader.start();
    try {
      const landed = await writeRecords(kafka, [record]);
      await eventually(() => committedPast(admin, stream.group, landed), Boolean);
    } finally {
      await reader.stop();
    }
    const span = only(await recording.spans(), `process ${inbox}`);
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span.attributes).toMatchObject({
      'messaging.consumer.group.name': stream.group,
      'messaging.destination.name': inbox,
      'intelroute.message_type': 'seizure-report',
    });
    // The handler works in that span, so what it does joins the same trace.
    expect(seen[0]?.trace).toMatchObject({ traceId, spanId: span.spanContext().spanId });
  });
});
