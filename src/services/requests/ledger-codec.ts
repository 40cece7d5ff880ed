import type { Answer, LedgerEntry, Notice } from './ledger-entry';
import type { LedgerEvent, PriorityName, RequestFacts } from './ledger-event';

const PARTY = /^(?:[A-Z]{2}|secretariat)$/;
const PRIORITIES = new Set(['routine', 'high', 'urgent', 'immediate']);

/** JSON bytes of a ledger event or entry. */
export function encodeJson(value: LedgerEvent | LedgerEntry): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** A ledger event read back, or undefined for bytes that are not one. */
export function decodeLedgerEvent(value: Buffer): LedgerEvent | undefined {
  const parsed = parse(value);
  if (!isRecord(parsed) || typeof parsed.requestId !== 'string') return undefined;
  const { requestId } = parsed;
  switch (parsed.kind) {
    case 'opened': {
      const request = readRequest(parsed);
      return request === undefined ? undefined : { kind: 'opened', requestId, ...request };
    }
    case 'answered': {
      const { requester, responder, responseId, answeredAt } = parsed;
      if (!isParty(requester) || !isParty(responder)) return undefined;
      if (!isText(responseId) || !isText(answeredAt)) return undefined;
      return { kind: 'answered', requestId, requester, responder, responseId, answeredAt };
    }
    case 'notified': {
      const { requester, recipient, noticeId, notifiedAt } = parsed;
      if (!isParty(requester) || !isParty(recipient)) return undefined;
      if (!isText(noticeId) || !isText(notifiedAt)) return undefined;
      return { kind: 'notified', requestId, requester, recipient, noticeId, notifiedAt };
    }
    default:
      return undefined;
  }
}

/** A ledger entry read back, or undefined for bytes that are not one. */
export function decodeLedgerEntry(value: Buffer): LedgerEntry | undefined {
  const parsed = parse(value);
  if (!isRecord(parsed) || typeof parsed.requestId !== 'string') return undefined;
  const { answers, notices } = parsed;
  if (!isRecord(answers) || !isRecord(notices)) return undefined;
  const request = parsed.request === undefined ? undefined : readRequest(parsed.request);
  if (parsed.request !== undefined && request === undefined) return undefined;
  const readAnswers = readMap(answers, (a) =>
    isText(a.responseId) && isText(a.answeredAt)
      ? ({ responseId: a.responseId, answeredAt: a.answeredAt } satisfies Answer)
      : undefined,
  );
  const readNotices = readMap(notices, (n) =>
    isText(n.noticeId) && isText(n.notifiedAt)
      ? ({ noticeId: n.noticeId, notifiedAt: n.notifiedAt } satisfies Notice)
      : undefined,
  );
  if (readAnswers === undefined || readNotices === undefined) return undefined;
  const requester = isParty(parsed.requester) ? parsed.requester : request?.requester;
  if (requester === undefined) return undefined;
  return {
    requester,
    requestId: parsed.requestId,
    ...(request === undefined ? {} : { request }),
    answers: readAnswers,
    notices: readNotices,
  };
}

function readRequest(value: unknown): RequestFacts | undefined {
  if (!isRecord(value)) return undefined;
  const { requester, recipients, priority, requestedAt, dueAt } = value;
  const { secretariatMayKnow, retentionDays } = value;
  if (!isParty(requester) || !Array.isArray(recipients) || !recipients.every(isParty)) {
    return undefined;
  }
  if (typeof priority !== 'string' || !PRIORITIES.has(priority)) return undefined;
  if (!isText(requestedAt) || !isText(dueAt) || Number.isNaN(Date.parse(dueAt))) return undefined;
  if (typeof secretariatMayKnow !== 'boolean' || typeof retentionDays !== 'number') {
    return undefined;
  }
  return {
    requester,
    recipients,
    priority: priority as PriorityName,
    requestedAt,
    dueAt,
    secretariatMayKnow,
    retentionDays,
  };
}

function readMap<T>(
  value: Record<string, unknown>,
  read: (item: Record<string, unknown>) => T | undefined,
): Record<string, T> | undefined {
  const out: Record<string, T> = {};
  for (const [party, item] of Object.entries(value)) {
    const parsed = isParty(party) && isRecord(item) ? read(item) : undefined;
    if (parsed === undefined) return undefined;
    out[party] = parsed;
  }
  return out;
}

function isParty(value: unknown): value is string {
  return typeof value === 'string' && PARTY.test(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
