import { uuidV5 } from '../shared/deterministic-id';
import type { LedgerEvent, Party, RequestFacts } from './ledger-event';

/** A recipient's answer to a request. */
export interface Answer {
  readonly responseId: string;
  readonly answeredAt: string;
}

/** The overdue notice sent for a silent recipient. */
export interface Notice {
  readonly noticeId: string;
  readonly notifiedAt: string;
}

/**
 * One request in the ledger (the value of `intel.v1.requests.ledger`, key = ledgerKey). Answers
 * may be known before the request itself (they travel in other topics and partitions).
 */
export interface LedgerEntry {
  readonly requester: Party;
  readonly requestId: string;
  readonly request?: RequestFacts;
  readonly answers: Readonly<Record<Party, Answer>>;
  readonly notices: Readonly<Record<Party, Notice>>;
}

/** Where a recipient stands on a request. */
export type RecipientStatus = 'answered' | 'open' | 'overdue' | 'overdue-notified';

/**
 * The entry after `event`, or undefined when it changes nothing (a repeat: the first request,
 * answer and notice of each recipient win). Pure.
 */
export function applyLedgerEvent(
  entry: LedgerEntry | undefined,
  event: LedgerEvent,
): LedgerEntry | undefined {
  const current = entry ?? {
    requester: event.requester,
    requestId: event.requestId,
    answers: {},
    notices: {},
  };
  switch (event.kind) {
    case 'opened': {
      if (current.request !== undefined) return undefined;
      const { kind: _kind, requestId: _id, ...request } = event;
      return { ...current, request };
    }
    case 'answered': {
      if (current.answers[event.responder] !== undefined) return undefined;
      const answer = { responseId: event.responseId, answeredAt: event.answeredAt };
      return { ...current, answers: { ...current.answers, [event.responder]: answer } };
    }
    case 'notified': {
      if (current.notices[event.recipient] !== undefined) return undefined;
      const notice = { noticeId: event.noticeId, notifiedAt: event.notifiedAt };
      return { ...current, notices: { ...current.notices, [event.recipient]: notice } };
    }
  }
}

/** Each recipient's status at `nowMs` (none before the request itself is known). Pure. */
export function recipientStatuses(
  entry: LedgerEntry,
  nowMs: number,
): { readonly recipient: Party; readonly status: RecipientStatus }[] {
  const request = entry.request;
  if (request === undefined) return [];
  const due = Date.parse(request.dueAt);
  return request.recipients.map((recipient) => {
    if (entry.answers[recipient] !== undefined) return { recipient, status: 'answered' };
    if (entry.notices[recipient] !== undefined) return { recipient, status: 'overdue-notified' };
    return { recipient, status: nowMs >= due ? 'overdue' : 'open' };
  });
}

/**
 * The recipients an overdue notice is due for at `nowMs`: no answer, no notice yet, and the
 * deadline passed at least `graceMs` ago (room for an answer accepted just in time to reach the
 * ledger). Pure.
 */
export function noticesDue(entry: LedgerEntry, nowMs: number, graceMs: number): Party[] {
  const request = entry.request;
  if (request === undefined || nowMs < Date.parse(request.dueAt) + graceMs) return [];
  return request.recipients.filter(
    (recipient) => entry.answers[recipient] === undefined && entry.notices[recipient] === undefined,
  );
}

/**
 * The message id of the overdue notice for (request, silent recipient): UUIDv5, so a notice sent
 * again (after a restart, or by two instances during a rebalance) is a duplicate to the gateway.
 */
export function noticeIdOf(requester: Party, requestId: string, recipient: Party): string {
  return uuidV5(`request-overdue-notice|${requester}|${requestId}|${recipient}`);
}
