import { randomUUID } from 'node:crypto';
import { jsonLine, messageDocument, type ReaderDelivery } from '../../../src/services/readers';
import {
  Channel,
  HandlingCode,
  InformationAccuracy,
  OriginKind,
  Priority,
  Restriction,
  SourceReliability,
  type Envelope,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import { fixturePayload, validEnvelope } from '../../helpers/envelopes';

const FIELDS = [
  'messageId',
  'messageType',
  'schemaVersion',
  'origin',
  'sender',
  'topic',
  'partition',
  'offset',
  'caseReference',
  'destinations',
  'handling',
  'evaluation',
  'priority',
  'inReplyTo',
  'createdAt',
  'receivedAt',
  'replyDueAt',
  'payloadSha256',
  'traceId',
  'payloadEncoding',
  'payload',
];

function delivery(envelope: Envelope, headers: Record<string, string> = {}): ReaderDelivery {
  return {
    envelope,
    record: { topic: 'intel.v1.country.FR', partition: 2, offset: '41' },
    headers,
    trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), sampled: true },
    attempt: 1,
  };
}

describe('the JSON Lines document of a message', () => {
  it('keeps every field, as null or empty, for the barest envelope', () => {
    const bare: Envelope = {
      messageId: randomUUID(),
      messageType: 'training-event',
      schemaVersion: 0,
      origin: undefined,
      destinations: [],
      handling: undefined,
      evaluation: undefined,
      priority: Priority.PRIORITY_UNSPECIFIED,
      inReplyTo: '',
      caseReference: '',
      createdAt: undefined,
      payload: Buffer.alloc(0),
      contentType: '',
      receipt: undefined,
    };
    const line = jsonLine(delivery(bare));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(FIELDS);
    expect(parsed).toMatchObject({
      origin: 'unknown',
      sender: null,
      caseReference: null,
      handling: null,
      evaluation: null,
      priority: 'UNSPECIFIED',
      createdAt: null,
      receivedAt: null,
      traceId: 'a'.repeat(32), // the handler's trace when the receipt names none
      payloadEncoding: 'base64',
      payload: '',
    });
  });

  it('names enums by their short names and carries the payload as parsed JSON', () => {
    const envelope = validEnvelope('seizure-report', {
      caseReference: 'case-7',
      origin: { kind: OriginKind.ORIGIN_KIND_AGENCY, country: 'FR', agencyId: 'fr-customs' },
      destinations: [
        { target: { $case: 'country', country: 'DE' } },
        { target: { $case: 'channel', channel: Channel.CHANNEL_SECRETARIAT } },
      ],
      handling: {
        code: HandlingCode.HANDLING_CODE_H3,
        restrictedTo: ['DE', 'FR'],
        restrictions: [Restriction.RESTRICTION_NCB_ONLY],
        restrictionText: 'NCBs only',
        retentionDays: 30,
      },
      evaluation: {
        sourceReliability: SourceReliability.SOURCE_RELIABILITY_A,
        informationAccuracy: InformationAccuracy.INFORMATION_ACCURACY_3,
      },
      receipt: {
        sender: 'urn:intelroute:agency:FR:fr-customs',
        receivedAt: new Date('2025-03-14T09:30:01.000Z'),
        payloadSha256: 'c'.repeat(64),
        replyDueAt: undefined,
        traceId: 'd'.repeat(32),
      },
    });
    const document = messageDocument(delivery(envelope));
    expect(document).toMatchObject({
      origin: 'agency:FR:fr-customs',
      sender: 'urn:intelroute:agency:FR:fr-customs',
      topic: 'intel.v1.country.FR',
      partition: 2,
      offset: '41',
      caseReference: 'case-7',
      destinations: ['DE', 'SECRETARIAT'],
      handling: {
        code: 'H3',
        restrictedTo: ['DE', 'FR'],
        restrictions: ['NCB_ONLY'],
        restrictionText: 'NCBs only',
        retentionDays: 30,
      },
      evaluation: { sourceReliability: 'A', informationAccuracy: '3' },
      receivedAt: '2025-03-14T09:30:01.000Z',
      replyDueAt: null,
      payloadSha256: 'c'.repeat(64),
      traceId: 'd'.repeat(32),
      payloadEncoding: 'json',
      payload: fixturePayload('seizure-report'),
    });
    expect(Object.keys(JSON.parse(JSON.stringify(document)) as object)).toEqual(FIELDS);
  });

  it('takes the sender from the record header when the envelope has no receipt', () => {
    const envelope = validEnvelope('training-event');
    expect(messageDocument(delivery(envelope, { sender: 'urn:intelroute:ncb:FR' })).sender).toBe(
      'urn:intelroute:ncb:FR',
    );
  });
});
