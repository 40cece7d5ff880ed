import path from 'node:path';
import { CloudEvent, Kafka, type KafkaMessage } from 'cloudevents';
import {
  Envelope,
  OriginKind,
  type Origin,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import { messageIdentity } from '../../../src/contract/message-identity';
import { readSchemaSources } from '../../../src/core/validation';
import {
  CE_HEADERS,
  CE_SOURCE_PREFIX,
  ceDataschema,
  ceTime,
  ceType,
} from '../../../src/kafka/cloudevents-attributes';
import {
  HEADERS,
  MESSAGE_CONTENT_TYPE,
  encodeEnvelope,
  encodeMessageRecord,
  messageRecord,
  type OutboundRecord,
} from '../../../src/kafka/record-format';
import { MESSAGE_TYPES, validEnvelope } from '../../helpers/envelopes';

const SCHEMAS_DIR = path.join(__dirname, '../../../schemas');
const TRACEPARENT = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
const CREATED_AT = new Date('2025-03-14T09:29:00.250Z');

/** An envelope as the gateway routes it: stamped with its receipt. */
function routed(overrides: Partial<Envelope> = {}): Envelope {
  return {
    ...validEnvelope('online-vendor-report', { createdAt: CREATED_AT }),
    receipt: {
      sender: 'urn:intelroute:ncb:FR',
      receivedAt: new Date('2025-03-14T09:29:01.000Z'),
      payloadSha256: 'c'.repeat(64),
      replyDueAt: undefined,
      traceId: 'a'.repeat(32),
    },
    ...overrides,
  };
}

/** What the CloudEvents SDK reads from a record, as its Kafka binding does (binary mode). */
function sdkEvent(record: OutboundRecord): CloudEvent<Buffer> {
  const message: KafkaMessage<Buffer> = {
    headers: { ...record.headers },
    key: record.key,
    value: record.value,
    body: record.value,
  };
  return Kafka.toEvent(message) as CloudEvent<Buffer>;
}

describe('message records carry CloudEvents attributes (Kafka binding, binary content mode)', () => {
  it('a routed record has every intelroute header and the ce_ attributes, nothing else', () => {
    const envelope = routed({ caseReference: 'FR/2025/0042' });
    const record = messageRecord('intel.v1.secretariat', encodeEnvelope(envelope), {
      key: 'FR/2025/0042',
      trace: { traceparent: TRACEPARENT, tracestate: 'k=v' },
    });
    expect(record.headers).toStrictEqual({
      'message-id': envelope.messageId,
      'message-type': 'online-vendor-report',
      'schema-version': '1',
      origin: 'ncb:FR',
      sender: 'urn:intelroute:ncb:FR',
      'content-type': 'application/x-protobuf; messageType=intelroute.v1.Envelope',
      traceparent: TRACEPARENT,
      tracestate: 'k=v',
      ce_specversion: '1.0',
      ce_id: envelope.messageId,
      ce_source: 'urn:intelroute:ncb:FR',
      ce_type: 'org.intelroute.online-vendor-report.v1',
      ce_time: '2025-03-14T09:29:00.250Z',
      ce_dataschema: 'https://schemas.intelroute.org/online-vendor-report/v1.json',
      ce_subject: 'FR/2025/0042',
    });
  });

  it('writes the header names the exported constants declare (the literal spells them out)', () => {
    const record = encodeMessageRecord('t', routed({ caseReference: 'c-1' }), {
      traceparent: TRACEPARENT,
      tracestate: 'k=v',
    });
    const declared = [...Object.values(HEADERS), ...Object.values(CE_HEADERS)];
    expect(Object.keys(record.headers).sort()).toEqual([...declared].sort());
  });

  it('leaves optional attributes out rather than writing them empty', () => {
    const record = encodeMessageRecord(
      't',
      routed({ caseReference: '', createdAt: undefined, receipt: undefined }),
    );
    for (const name of [
      CE_HEADERS.subject,
      CE_HEADERS.time,
      HEADERS.sender,
      HEADERS.traceparent,
      HEADERS.tracestate,
    ]) {
      expect(record.headers).not.toHaveProperty(name);
    }
    expect(Object.values(record.headers)).not.toContain('');
  });

  it('records of one message share its attributes, whatever the topic and key', () => {
    const encoded = encodeEnvelope(routed({ caseReference: 'FR/2025/0042' }));
    const [a, b] = ['intel.v1.secretariat', 'intel.v1.country.DE'].map((topic, i) =>
      messageRecord(topic, encoded, { key: `k${i}`, trace: { traceparent: `${TRACEPARENT}${i}` } }),
    );
    const attributes = (r: OutboundRecord) =>
      Object.fromEntries(Object.entries(r.headers).filter(([name]) => name.startsWith('ce_')));
    expect(attributes(a!)).toEqual(attributes(b!));
    expect(a!.headers.traceparent).not.toBe(b!.headers.traceparent);
    expect(a!.value).toBe(b!.value);
  });

  it.each<[string, Origin]>([
    ['urn:intelroute:ncb:FR', { kind: OriginKind.ORIGIN_KIND_NCB, country: 'FR', agencyId: '' }],
    [
      'urn:intelroute:agency:FR:customs-dnred',
      { kind: OriginKind.ORIGIN_KIND_AGENCY, country: 'FR', agencyId: 'customs-dnred' },
    ],
    [
      'urn:intelroute:secretariat',
      { kind: OriginKind.ORIGIN_KIND_SECRETARIAT, country: '', agencyId: '' },
    ],
    [
      'urn:intelroute:secretariat:ops-centre',
      { kind: OriginKind.ORIGIN_KIND_SECRETARIAT, country: '', agencyId: 'ops-centre' },
    ],
    [
      'urn:intelroute:wg:NL',
      { kind: OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER, country: 'NL', agencyId: '' },
    ],
    ['urn:intelroute:system', { kind: OriginKind.ORIGIN_KIND_SYSTEM, country: '', agencyId: '' }],
  ])('ce_source is %s, so source + id is the message identity', (source, origin) => {
    const envelope = routed({ origin });
    const { headers } = encodeMessageRecord('t', envelope);
    expect(headers.ce_source).toBe(source);
    // CloudEvents: source + id unique per event; intelroute: origin + message id per message.
    const identity = `${headers.ce_source!.slice(CE_SOURCE_PREFIX.length)}|${headers.ce_id}`;
    expect(identity).toBe(messageIdentity(envelope));
    expect(new URL(source).protocol).toBe('urn:');
  });

  it('ce_dataschema is the `$id` of every payload schema in schemas/, an absolute URI', () => {
    const sources = readSchemaSources(SCHEMAS_DIR);
    expect(new Set(sources.map((s) => s.type))).toEqual(new Set(MESSAGE_TYPES));
    for (const { type, version, text } of sources) {
      const { $id } = JSON.parse(text) as { $id: string };
      expect(ceDataschema(type, String(version))).toBe($id);
      expect(new URL($id).protocol).toBe('https:');
      expect(ceType(type, String(version))).toBe(`org.intelroute.${type}.v${version}`);
    }
  });

  it('ce_time is RFC 3339 (UTC, milliseconds), or absent when created_at cannot be one', () => {
    expect(ceTime(CREATED_AT)).toBe('2025-03-14T09:29:00.250Z');
    expect(ceTime(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(ceTime(undefined)).toBeUndefined();
    expect(ceTime(new Date(Number.NaN))).toBeUndefined();
    // Date would write '+010000-01-01T…': not RFC 3339.
    expect(ceTime(new Date('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31T23:59:59.999Z');
    expect(ceTime(new Date(Date.UTC(10_000, 0, 1)))).toBeUndefined();
  });

  it('the CloudEvents SDK reads a routed record as a valid event whose data is the value', () => {
    const envelope = routed({ caseReference: 'FR/2025/0042' });
    const record = encodeMessageRecord('t', envelope, { traceparent: TRACEPARENT });
    const event = sdkEvent(record);

    expect(event.validate()).toBe(true);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: envelope.messageId,
      source: 'urn:intelroute:ncb:FR',
      type: 'org.intelroute.online-vendor-report.v1',
      time: '2025-03-14T09:29:00.250Z',
      dataschema: 'https://schemas.intelroute.org/online-vendor-report/v1.json',
      subject: 'FR/2025/0042',
      datacontenttype: MESSAGE_CONTENT_TYPE,
    });
    expect(Buffer.isBuffer(event.data)).toBe(true);
    expect(Buffer.compare(event.data!, record.value)).toBe(0);
    expect(Envelope.decode(event.data!).messageId).toBe(envelope.messageId);
    // intelroute's own headers are not CloudEvents extensions (only ce_* headers are).
    expect(
      Object.keys(event).filter((k) => /^(messageid|origin|sender|traceparent)$/.test(k)),
    ).toEqual([]);
  });
});
