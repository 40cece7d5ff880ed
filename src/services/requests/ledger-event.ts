import {
  Channel,
  OriginKind,
  Priority,
  Restriction,
  type Envelope,
} from '../../contract/generated/intelroute/v1/envelope';
import { handlingCodeName } from '../../core/routing/handling-flags';

/** A party to a request: a member country (ISO alpha-2) or `secretariat`. */
export type Party = string;

/** The Secretariat as a party. */
export const SECRETARIAT = 'secretariat';

/** Priorities by name (unspecified is read as routine, as the gateway does). */
export type PriorityName = 'routine' | 'high' | 'urgent' | 'immediate';

/** What the ledger keeps of a request (never its content). */
export interface RequestFacts {
  readonly requester: Party;
  /** The recipients the request reached, sorted (the requester itself excluded). */
  readonly recipients: readonly Party[];
  readonly priority: PriorityName;
  /** When the gateway accepted it, and the reply deadline it set (RFC 3339). */
  readonly requestedAt: string;
  readonly dueAt: string;
  /** False when the request kept the Secretariat away (H2 or NO_SECRETARIAT_COPY, unnamed). */
  readonly secretariatMayKnow: boolean;
  readonly retentionDays: number;
}

/**
 * One record of `intel.v1.requests.events` (JSON, key = ledgerKey: requester and request id): a
 * request opened, a recipient answered, or the ledger sent an overdue notice. Each is idempotent:
 * applying it twice changes nothing, so a replayed event is harmless.
 */
export type LedgerEvent =
  | ({ readonly kind: 'opened'; readonly requestId: string } & RequestFacts)
  | {
      readonly kind: 'answered';
      readonly requestId: string;
      /** The party the response is addressed to: whose request it answers. */
      readonly requester: Party;
      readonly responder: Party;
      readonly responseId: string;
      readonly answeredAt: string;
    }
  | {
      readonly kind: 'notified';
      readonly requestId: string;
      readonly requester: Party;
      readonly recipient: Party;
      readonly noticeId: string;
      readonly notifiedAt: string;
    };

/**
 * A request in the ledger: its requester and its id. A message id is unique only for its sender
 * (two countries may use the same one), so a request is never known by its id alone: otherwise
 * one country's request, or a response to it, could stand in for another's.
 */
export function ledgerKey(requester: Party, requestId: string): string {
  return `${requester}|${requestId}`;
}

/** The ledger key an event belongs to. */
export function ledgerKeyOf(event: LedgerEvent): string {
  return ledgerKey(event.requester, event.requestId);
}

const PRIORITIES: Readonly<Partial<Record<Priority, PriorityName>>> = {
  [Priority.PRIORITY_ROUTINE]: 'routine',
  [Priority.PRIORITY_HIGH]: 'high',
  [Priority.PRIORITY_URGENT]: 'urgent',
  [Priority.PRIORITY_IMMEDIATE]: 'immediate',
};

/**
 * The ledger event of a message: `opened` for an information-request the gateway gave a reply
 * deadline (every request: an unspecified priority is routine), `answered` for an
 * information-response naming the request in `in_reply_to`; undefined for anything else, and
 * for messages of no country or Secretariat. A request's recipients are its named destinations
 * that the routing let it reach (a country outside restricted_to never got it). Pure.
 */
export function ledgerEventOf(envelope: Envelope): LedgerEvent | undefined {
  const party = partyOf(envelope);
  const at = (envelope.receipt?.receivedAt ?? envelope.createdAt)?.toISOString();
  if (party === undefined || at === undefined) return undefined;
  if (envelope.messageType === 'information-response' && envelope.inReplyTo !== '') {
    const { inReplyTo: requestId, messageId: responseId } = envelope;
    const requester = addresseeOf(envelope);
    if (requester === undefined) return undefined;
    return { kind: 'answered', requestId, requester, responder: party, responseId, answeredAt: at };
  }
  const dueAt = envelope.receipt?.replyDueAt;
  if (envelope.messageType !== 'information-request' || dueAt === undefined) return undefined;
  const recipients = reachedRecipients(envelope, party);
  if (recipients.length === 0) return undefined;
  return {
    kind: 'opened',
    requestId: envelope.messageId,
    requester: party,
    recipients,
    priority: PRIORITIES[envelope.priority] ?? 'routine',
    requestedAt: at,
    dueAt: dueAt.toISOString(),
    secretariatMayKnow: secretariatMayKnow(envelope),
    retentionDays: envelope.handling?.retentionDays ?? 1826,
  };
}

/** The party a message comes from: its country (NCB or agency) or the Secretariat. */
export function partyOf(envelope: Envelope): Party | undefined {
  const origin = envelope.origin;
  if (origin?.kind === OriginKind.ORIGIN_KIND_SECRETARIAT) return SECRETARIAT;
  const national =
    origin?.kind === OriginKind.ORIGIN_KIND_NCB || origin?.kind === OriginKind.ORIGIN_KIND_AGENCY;
  return national && /^[A-Z]{2}$/.test(origin.country) ? origin.country : undefined;
}

/** The party a response is addressed to (its first named country, or the Secretariat). */
function addresseeOf(envelope: Envelope): Party | undefined {
  for (const { target } of envelope.destinations) {
    if (target?.$case === 'country') return target.country;
    if (target?.$case === 'channel' && target.channel === Channel.CHANNEL_SECRETARIAT) {
      return SECRETARIAT;
    }
  }
  return undefined;
}

function reachedRecipients(envelope: Envelope, requester: Party): Party[] {
  const restrictedTo = envelope.handling?.restrictedTo ?? [];
  const parties = new Set<Party>();
  for (const { target } of envelope.destinations) {
    if (target?.$case === 'channel' && target.channel === Channel.CHANNEL_SECRETARIAT) {
      parties.add(SECRETARIAT);
    }
    if (target?.$case !== 'country') continue;
    if (restrictedTo.length === 0 || restrictedTo.includes(target.country)) {
      parties.add(target.country);
    }
  }
  parties.delete(requester);
  return [...parties].sort();
}

function secretariatMayKnow(envelope: Envelope): boolean {
  const named = envelope.destinations.some(
    ({ target }) => target?.$case === 'channel' && target.channel === Channel.CHANNEL_SECRETARIAT,
  );
  if (named) return true;
  const handling = envelope.handling;
  const h2 = handling !== undefined && handlingCodeName(handling.code) === 'H2';
  const noCopy =
    handling?.restrictions.includes(Restriction.RESTRICTION_NO_SECRETARIAT_COPY) ?? false;
  return !h2 && !noCopy;
}
