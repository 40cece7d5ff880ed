/**
 * Selector extraction: which fields of which message type name a vendor's online identifiers.
 * The walk follows the v1 schemas field by field; free text (summaries, questions, details) is
 * never scanned, so a selector is only ever something a reporter entered as one.
 *
 * | type                   | read                                                           |
 * |------------------------|----------------------------------------------------------------|
 * | online-vendor-report   | `/urls` `/domains` `/handles` `/emails` `/phones` `/wallets`   |
 * | seizure-report         | `/parcels/i/tracking`, and every list of `/linkedIdentifiers`  |
 * | information-request    | every list of `/identifiers`                                   |
 * | information-response   | every list of `/identifiersFound`                              |
 * | all other types        | nothing                                                        |
 *
 * Deliberately not read: the officials' own details (`requestedBy`, `followUpContact`, contact
 * points and trainers in contact-point-update and training-event, a link alert's contact
 * points), which would link every request an analyst sends and make police staff selectors;
 * reference URLs of working-group contributions (publications, not vendors); and link alerts
 * and request-overdue notices, which by design carry no selector value.
 */
import type { MessageType } from '../../contract/message-types';
import { isMessageType } from '../../contract/message-types';
import {
  isRecord,
  readIdentifierLists,
  readTracking,
  type IdentifierList,
  type SelectorSink,
} from './identifier-lists';
import type { RejectedSelector, Selector } from './selector-types';

/** The selectors a payload names and the values that could not be selectors. */
export interface Extraction {
  /** In schema order; the same value may appear at several fields (one entry per field). */
  readonly selectors: readonly Selector[];
  readonly rejected: readonly RejectedSelector[];
}

type Extractor = (payload: Record<string, unknown>, sink: SelectorSink) => void;

const ALL_LISTS: readonly IdentifierList[] = [
  'urls',
  'domains',
  'handles',
  'emails',
  'phones',
  'wallets',
  'trackingNumbers',
];
// An online-vendor-report has no tracking numbers: parcels belong to seizures.
const VENDOR_LISTS = ALL_LISTS.filter((list) => list !== 'trackingNumbers');
const nothing: Extractor = () => undefined;

const EXTRACTORS = {
  'online-vendor-report': (payload, sink) => readIdentifierLists(payload, '', VENDOR_LISTS, sink),
  'seizure-report': (payload, sink) => {
    readParcels(payload.parcels, sink);
    readIdentifierLists(payload.linkedIdentifiers, '/linkedIdentifiers', ALL_LISTS, sink);
  },
  'information-request': (payload, sink) =>
    readIdentifierLists(payload.identifiers, '/identifiers', ALL_LISTS, sink),
  'information-response': (payload, sink) =>
    readIdentifierLists(payload.identifiersFound, '/identifiersFound', ALL_LISTS, sink),
  'contact-point-update': nothing,
  'training-event': nothing,
  'working-group-contribution': nothing,
  'link-alert': nothing,
  'request-overdue-notice': nothing,
} as const satisfies Record<MessageType, Extractor>;

/**
 * The normalised selectors a parsed payload of `messageType` names, each with the JSON pointer
 * of the payload string it came from. Pure; never throws, whatever `payload` is (a payload that
 * is not an object, or an unknown type, names nothing). The result holds raw intelligence:
 * hash it (selector-keys.ts) before it leaves memory.
 */
export function extractSelectors(payload: unknown, messageType: MessageType): Extraction {
  const sink: SelectorSink = { selectors: [], rejected: [] };
  if (isRecord(payload) && isMessageType(messageType)) EXTRACTORS[messageType](payload, sink);
  return sink;
}

function readParcels(parcels: unknown, sink: SelectorSink): void {
  if (!Array.isArray(parcels)) return;
  parcels.forEach((parcel: unknown, index) => {
    const tracking = isRecord(parcel) ? parcel.tracking : undefined;
    if (tracking !== undefined) readTracking(tracking, `/parcels/${index}/tracking`, sink);
  });
}
