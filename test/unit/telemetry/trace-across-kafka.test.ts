import { Metadata } from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import {
  encodeMessageRecord,
  formatOrigin,
  type OutboundRecord,
} from '../../../src/kafka/record-format';
import {
  endReceiveSpan,
  gatewayReceiveSpan,
  recordDecision,
  routeSpan,
  sendSpan,
  validateSpan,
} from '../../../src/telemetry/gateway-spans';
import { readerProcessSpan } from '../../../src/telemetry/reader-spans';
import { parseTraceparent } from '../../../src/telemetry/trace-context';
import { payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { only, recordSpans, type RecordingTelemetry } from './telemetry-fixtures';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const MARKER = 'PAYLOAD-MARKER-7f3a';
const TOPICS = ['intel.v1.secretariat', 'intel.v1.wg.internet-drugs'] as const;
const GROUPS = ['intelroute.reader.secretariat', 'intelroute.reader.working-group'] as const;

/** What the gateway does with one message routed to two topics, in the order it does it. */
function gatewayPublishes(): OutboundRecord[] {
  const envelope = validEnvelope('online-vendor-report', {
    payload: payloadBytes({ note: MARKER, vendor: `${MARKER}@example.org` }),
  });
  const metadata = new Metadata();
  metadata.set('traceparent', `00-${CALLER_TRACE}-${CALLER_SPAN}-01`);
  const facts = {
    messageId: envelope.messageId,
    messageType: envelope.messageType,
    origin: formatOrigin(envelope.origin),
    originCountry: envelope.origin?.country ?? '',
  };
  const receive = gatewayReceiveSpan({
    method: 'Publish',
    metadata,
    sender: 'urn:intelroute:ncb:FR',
    message: facts,
  });
  validateSpan(receive).end();
  const route = routeSpan(receive);
  recordDecision(route, { kind: 'routed', routeCount: TOPICS.length, ruleId: 'default-ovr' });
  route.end();
  recordDecision(receive, { kind: 'routed', routeCount: TOPICS.length });
  const writes = TOPICS.map((topic) => {
    const send = sendSpan(receive, {
      topic,
      messageId: envelope.messageId,
      key: envelope.messageId,
    });
    return { send, record: encodeMessageRecord(topic, envelope, send.headers) };
  });
  writes.forEach(({ send }, partition) => {
    send.landed({ partition, offset: '41' });
    send.end();
  });
  endReceiveSpan(receive, 'OK');
  return writes.map(({ record }) => record);
}

/** Each reader gets its record as kafkajs hands it over: header values as Buffers. */
function readersProcess(records: readonly OutboundRecord[]): void {
  records.forEach((record, index) => {
    const headers = Object.fromEntries(
      Object.entries(record.headers).map(([name, value]) => [name, Buffer.from(value)]),
    );
    const process = readerProcessSpan({
      headers,
      topic: record.topic,
      partition: index,
      offset: '41',
      group: GROUPS[index] as string,
      key: record.key.toString(),
      message: {
        messageId: headers['message-id']?.toString(),
        messageType: 'online-vendor-report',
      },
    });
    process.end();
  });
}

describe('one message from the caller through the gateway and Kafka to two readers', () => {
  let recording: RecordingTelemetry;
  let records: OutboundRecord[];
  let spans: ReadableSpan[];

  beforeAll(async () => {
    recording = await recordSpans();
    records = gatewayPublishes();
    readersProcess(records);
    spans = await recording.spans();
  });
  afterAll(() => recording.telemetry.shutdown());

  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const sends = () => spans.filter((span) => span.kind === SpanKind.PRODUCER);

  it('records one trace, continuing the caller’s', () => {
    expect(spans).toHaveLength(1 + 2 + TOPICS.length + GROUPS.length);
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(
      new Set([CALLER_TRACE]),
    );
  });

  it('makes the receive span a SERVER child of the caller, named after the gRPC method', () => {
    const receive = only(spans, 'intelroute.v1.IntelGateway/Publish');
    expect(receive.kind).toBe(SpanKind.SERVER);
    expect(parentOf(receive)).toBe(CALLER_SPAN);
    expect(receive.parentSpanContext?.isRemote).toBe(true);
    expect(receive.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.service': 'intelroute.v1.IntelGateway',
      'rpc.method': 'Publish',
      'rpc.grpc.status_code': 0,
      'intelroute.message_type': 'online-vendor-report',
      'intelroute.origin_country': 'FR',
      'intelroute.decision': 'routed',
      'intelroute.sender': 'urn:intelroute:ncb:FR',
    });
  });

  it('puts validate and route under the receive span', () => {
    const receive = only(spans, 'intelroute.v1.IntelGateway/Publish');
    for (const name of ['validate', 'route']) {
      expect(only(spans, name).kind).toBe(SpanKind.INTERNAL);
      expect(parentOf(only(spans, name))).toBe(receive.spanContext().spanId);
    }
    expect(only(spans, 'route').attributes).toMatchObject({
      'intelroute.decision': 'routed',
      'intelroute.route_count': 2,
      'intelroute.rule_id': 'default-ovr',
    });
  });

  it('records one PRODUCER span per topic write, with the messaging attributes', () => {
    const receive = only(spans, 'intelroute.v1.IntelGateway/Publish');
    expect(
      sends()
        .map((span) => span.name)
        .sort(),
    ).toEqual(TOPICS.map((t) => `send ${t}`).sort());
    TOPICS.forEach((topic, partition) => {
      const send = only(spans, `send ${topic}`);
      expect(parentOf(send)).toBe(receive.spanContext().spanId);
      expect(send.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': 41,
        'messaging.message.id': records[0]!.headers['message-id'],
        'messaging.kafka.message.key': records[0]!.key.toString(),
      });
    });
  });

  it("writes each record's traceparent from its own produce span", () => {
    for (const record of records) {
      const carried = parseTraceparent(record.headers.traceparent);
      const send = only(spans, `send ${record.topic}`);
      expect(carried).toMatchObject({
        traceId: CALLER_TRACE,
        spanId: send.spanContext().spanId,
        sampled: true,
      });
    }
  });

  it("makes each reader's CONSUMER span a child of the produce span of the record it read", () => {
    const processes = spans.filter((span) => span.kind === SpanKind.CONSUMER);
    expect(processes.map((span) => span.name).sort()).toEqual(
      TOPICS.map((t) => `process ${t}`).sort(),
    );
    TOPICS.forEach((topic, index) => {
      const process = only(spans, `process ${topic}`);
      expect(parentOf(process)).toBe(only(spans, `send ${topic}`).spanContext().spanId);
      expect(process.parentSpanContext?.isRemote).toBe(true);
      expect(process.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': GROUPS[index],
        'messaging.destination.partition.id': String(index),
        'messaging.kafka.offset': 41,
      });
    });
  });

  it('never puts payload content in an attribute', () => {
    expect(records[0]!.value.toString('latin1')).toContain(MARKER); // the marker did travel
    const values = spans.flatMap((span) => Object.values(span.attributes).map(String));
    expect(values.length).toBeGreaterThan(40);
    for (const value of values) expect(value).not.toContain(MARKER);
  });
});
