import { randomUUID } from 'node:crypto';
import {
  Channel,
  HandlingCode,
  InformationAccuracy,
  OriginKind,
  Priority,
  SourceReliability,
  type Destination,
  type Envelope,
  type Evaluation,
  type Origin,
} from '../../src/contract/generated/intelroute/v1/envelope';
import contactPointUpdate from '../fixtures/messages/contact-point-update/valid/01-update-24-7.json';
import informationRequest from '../fixtures/messages/information-request/valid/01-wallet-tracing.json';
import informationResponse from '../fixtures/messages/information-response/valid/01-found-with-answers.json';
import linkAlert from '../fixtures/messages/link-alert/valid/01-domain-two-countries.json';
import onlineVendorReport from '../fixtures/messages/online-vendor-report/valid/01-darknet-vendor.json';
import requestOverdueNotice from '../fixtures/messages/request-overdue-notice/valid/01-country-silent.json';
import seizureReport from '../fixtures/messages/seizure-report/valid/01-express-hub-two-parcels.json';
import trainingEvent from '../fixtures/messages/training-event/valid/01-online-webinar.json';
import workingGroupContribution from '../fixtures/messages/working-group-contribution/valid/01-mail-centre-statistics.json';

import { MESSAGE_TYPES, type MessageType } from '../../src/contract/message-types';

export { MESSAGE_TYPES, type MessageType };

/** The clock reading tests pass as `now`; fixture envelopes are created one minute earlier. */
export const FIXTURE_NOW = new Date('2025-03-14T09:30:00.000Z');

/** The request an information-response fixture answers. */
export const FIXTURE_REQUEST_ID = '3f1c2a4e-8b7d-4e6f-9a1b-2c3d4e5f6a7b';

const PAYLOADS: Readonly<Record<MessageType, unknown>> = {
  'online-vendor-report': onlineVendorReport,
  'seizure-report': seizureReport,
  'information-request': informationRequest,
  'information-response': informationResponse,
  'contact-point-update': contactPointUpdate,
  'training-event': trainingEvent,
  'working-group-contribution': workingGroupContribution,
  'link-alert': linkAlert,
  'request-overdue-notice': requestOverdueNotice,
};

/** A fresh copy of the type's first valid fixture payload (`valid/01-*.json`). */
export function fixturePayload(type: MessageType): unknown {
  return structuredClone(PAYLOADS[type]);
}

/** UTF-8 JSON bytes of `value`, as a sender puts them in `Envelope.payload`. */
export function payloadBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * A generated `Envelope` of `type` that passes validation at FIXTURE_NOW, carrying the type's
 * first valid fixture payload, with `overrides` applied on top (shallow). Each call gets a new
 * random message_id. Origins: NCB FR (IT for contact-point-update, NL working-group member for
 * contributions, SYSTEM for link alerts and overdue notices); evaluation B2 where required; a destination where
 * the type needs or usually has one.
 */
export function validEnvelope(type: MessageType, overrides: Partial<Envelope> = {}): Envelope {
  return {
    messageId: randomUUID(),
    messageType: type,
    schemaVersion: 1,
    origin: originFor(type),
    destinations: destinationsFor(type),
    handling: {
      code: HandlingCode.HANDLING_CODE_H0,
      restrictedTo: [],
      restrictions: [],
      restrictionText: '',
      retentionDays: 365,
    },
    evaluation: evaluationFor(type),
    priority:
      type === 'information-request' ? Priority.PRIORITY_HIGH : Priority.PRIORITY_UNSPECIFIED,
    inReplyTo: type === 'information-response' ? FIXTURE_REQUEST_ID : '',
    caseReference: '',
    createdAt: new Date(FIXTURE_NOW.getTime() - 60_000),
    payload: payloadBytes(PAYLOADS[type]),
    contentType: 'application/json',
    receipt: undefined,
    ...overrides,
  };
}

function originFor(type: MessageType): Origin {
  if (type === 'link-alert' || type === 'request-overdue-notice')
    return { kind: OriginKind.ORIGIN_KIND_SYSTEM, country: '', agencyId: '' };
  if (type === 'working-group-contribution') {
    return { kind: OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER, country: 'NL', agencyId: '' };
  }
  const country = type === 'contact-point-update' ? 'IT' : 'FR';
  return { kind: OriginKind.ORIGIN_KIND_NCB, country, agencyId: '' };
}

function destinationsFor(type: MessageType): Destination[] {
  switch (type) {
    case 'information-request':
      return [{ target: { $case: 'country', country: 'DE' } }];
    case 'information-response':
      return [{ target: { $case: 'country', country: 'DK' } }];
    case 'training-event':
      return [{ target: { $case: 'channel', channel: Channel.CHANNEL_BROADCAST } }];
    case 'link-alert':
    case 'request-overdue-notice':
      return [{ target: { $case: 'country', country: 'FR' } }];
    default:
      return [];
  }
}

function evaluationFor(type: MessageType): Evaluation | undefined {
  const required: readonly MessageType[] = [
    'online-vendor-report',
    'seizure-report',
    'information-response',
    'working-group-contribution',
  ];
  if (!required.includes(type)) return undefined;
  return {
    sourceReliability: SourceReliability.SOURCE_RELIABILITY_B,
    informationAccuracy: InformationAccuracy.INFORMATION_ACCURACY_2,
  };
}
