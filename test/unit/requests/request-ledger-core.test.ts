import fc from 'fast-check';
import { countryTopic, TOPICS } from '../../../src/contract/topic-names';
import {
  Channel,
  HandlingCode,
  OriginKind,
  Priority,
  Restriction,
  type Envelope,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  decodeLedgerEntry,
  decodeLedgerEvent,
  encodeJson,
} from '../../../src/services/requests/ledger-codec';
import {
  applyLedgerEvent,
  noticeIdOf,
  noticesDue,
  recipientStatuses,
  type LedgerEntry,
} from '../../../src/services/requests/ledger-entry';
import {
  ledgerEventOf,
  ledgerKeyOf,
  type LedgerEvent,
} from '../../../src/services/requests/ledger-event';
import { statusLines } from '../../../src/services/requests/ledger-status';
import { noticeEnvelope } from '../../../src/services/requests/notice-envelope';
import { decideRoutes } from '../../../src/core/routing';
import { loadSchemaRegistry, validateMessage } from '../../../src/core/validation';
import { DEFAULT_RULES, envelope, MEMBERS, system, topicsOf } from '../routing/routing-fixtures';
import { SCHEMAS_DIR } from '../validation/support';

const REQUEST_ID = '3f1c2a4e-8b7d-4e6f-9a1b-2c3d4e5f6a7b';
const RECEIVED = new Date('2025-03-14T09:30:00.000Z');
const DUE = new Date('2025-03-15T09:30:00.000Z');
const registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });

function received(spec: Parameters<typeof envelope>[0], extra: Partial<Envelope> = {}): Envelope {
  return {
    ...envelope(spec),
    messageId: REQUEST_ID,
    receipt: {
      sender: '',
      receivedAt: RECEIVED,
      payloadSha256: '',
      replyDueAt: spec?.type === 'information-request' ? DUE : undefined,
      traceId: '',
    },
    ...extra,
  };
}

const country = (cc: string) => ({ target: { $case: 'country' as const, country: cc } });
const SEC = { target: { $case: 'channel' as const, channel: Channel.CHANNEL_SECRETARIAT } };

const opened = (recipients: string[], secretariatMayKnow = true): LedgerEvent => ({
  kind: 'opened',
  requestId: REQUEST_ID,
  requester: 'FR',
  recipients,
  priority: 'high',
  requestedAt: RECEIVED.toISOString(),
  dueAt: DUE.toISOString(),
  secretariatMayKnow,
  retentionDays: 365,
});
const answered = (responder: string): LedgerEvent => ({
  kind: 'answered',
  requestId: REQUEST_ID,
  requester: 'FR',
  responder,
  responseId: `00000000-0000-4000-8000-0000000000${responder === 'DE' ? '01' : '02'}`,
  answeredAt: RECEIVED.toISOString(),
});
const notified = (recipient: string): LedgerEvent => ({
  kind: 'notified',
  requestId: REQUEST_ID,
  requester: 'FR',
  recipient,
  noticeId: noticeIdOf('FR', REQUEST_ID, recipient),
  notifiedAt: DUE.toISOString(),
});

function fold(events: readonly LedgerEvent[]): LedgerEntry | undefined {
  return events.reduce<LedgerEntry | undefined>(
    (entry, event) => applyLedgerEvent(entry, event) ?? entry,
    undefined,
  );
}

describe('ledger events from messages', () => {
  it('opens a request for the recipients it reached, the requester and restricted-out ones excluded', () => {
    const request = received({
      type: 'information-request',
      destinations: [country('DE'), country('ES'), country('FR'), SEC],
      restrictedTo: ['DE', 'FR'],
    });
    expect(ledgerEventOf({ ...request, priority: Priority.PRIORITY_URGENT })).toEqual({
      ...opened(['DE', 'secretariat'], true),
      priority: 'urgent',
    });
  });

  it('reads an unspecified priority as routine, and knows when the Secretariat was kept away', () => {
    const h2 = received({
      type: 'information-request',
      destinations: [country('DE')],
      code: HandlingCode.HANDLING_CODE_H2,
    });
    expect(ledgerEventOf(h2)).toMatchObject({ priority: 'routine', secretariatMayKnow: false });
    const noCopy = received({
      type: 'information-request',
      destinations: [country('DE')],
      code: HandlingCode.HANDLING_CODE_H3,
      restrictions: [Restriction.RESTRICTION_NO_SECRETARIAT_COPY],
    });
    expect(ledgerEventOf(noCopy)).toMatchObject({ secretariatMayKnow: false });
  });

  it('closes with a response naming the request; anything else is no event', () => {
    const response = received(
      {
        type: 'information-response',
        origin: { kind: OriginKind.ORIGIN_KIND_AGENCY, country: 'DE', agencyId: 'bka' },
        destinations: [country('FR')],
      },
      { messageId: '00000000-0000-4000-8000-000000000001', inReplyTo: REQUEST_ID },
    );
    expect(ledgerEventOf(response)).toEqual(answered('DE'));
    expect(ledgerKeyOf(answered('DE'))).toBe(`FR|${REQUEST_ID}`);
    // The same request id used by IT: the response to IT's request is IT's business only.
    const toItaly = ledgerEventOf({ ...response, destinations: [country('IT')] });
    expect(toItaly === undefined ? undefined : ledgerKeyOf(toItaly)).toBe(`IT|${REQUEST_ID}`);
    expect(ledgerEventOf({ ...response, destinations: [] })).toBeUndefined(); // whose request?
    expect(ledgerEventOf(received({ type: 'online-vendor-report' }))).toBeUndefined();
    expect(ledgerEventOf(received({ type: 'information-response' }))).toBeUndefined();
  });
});

describe('ledger entries', () => {
  it('report the silent recipient once its deadline and the grace passed, never an answered one', () => {
    const entry = fold([answered('DE'), opened(['DE', 'ES'])]) as LedgerEntry;
    const due = DUE.getTime();
    expect(noticesDue(entry, due + 999, 1000)).toEqual([]);
    expect(noticesDue(entry, due + 1000, 1000)).toEqual(['ES']);
    expect(recipientStatuses(entry, due - 1).map((s) => s.status)).toEqual(['answered', 'open']);
    const told = applyLedgerEvent(entry, notified('ES')) as LedgerEntry;
    expect(noticesDue(told, due + 10_000, 0)).toEqual([]);
    expect(recipientStatuses(told, due).map((s) => s.status)).toEqual([
      'answered',
      'overdue-notified',
    ]);
  });

  it('ignore repeated events, and end the same whatever order the events come in', () => {
    const events = [opened(['DE', 'ES', 'IT']), answered('DE'), notified('ES'), answered('IT')];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length }),
        fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 5 }),
        (order, repeats) => {
          const replayed = [...order, ...repeats.map((i) => order[i] as LedgerEvent)];
          expect(fold(replayed)).toEqual(fold(events));
        },
      ),
    );
    const entry = fold(events) as LedgerEntry;
    expect(applyLedgerEvent(entry, answered('DE'))).toBeUndefined();
    expect(decodeLedgerEntry(encodeJson(entry))).toEqual(entry);
    for (const event of events) expect(decodeLedgerEvent(encodeJson(event))).toEqual(event);
  });

  it('list as status lines, --overdue keeping requests with a recipient past its deadline', () => {
    const entry = fold([opened(['DE', 'ES']), answered('DE')]) as LedgerEntry;
    expect(statusLines([entry], DUE.getTime() - 1, true)).toEqual([]);
    const [line] = statusLines([entry], DUE.getTime(), true);
    expect(line?.recipients.map((r) => [r.recipient, r.status])).toEqual([
      ['DE', 'answered'],
      ['ES', 'overdue'],
    ]);
  });
});

describe('request-overdue-notice envelopes', () => {
  const request = (fold([opened(['DE', 'ES'])]) as LedgerEntry).request;

  function routedTopics(notice: Envelope): string[] {
    const validation = validateMessage(notice, { registry, now: new Date(DUE.getTime() + 60_000) });
    if (!validation.ok) throw new Error(`${validation.reason}: ${validation.message}`);
    const decision = decideRoutes({
      envelope: notice,
      payload: validation.payload,
      sender: system('request-ledger'),
      rules: DEFAULT_RULES,
      memberCountries: MEMBERS,
      ncbCopyCountries: new Set(),
    });
    return topicsOf(decision);
  }

  it('validate, name the silent recipient and reach the requester and the Secretariat only', () => {
    if (request === undefined) throw new Error('no request');
    const notice = noticeEnvelope(REQUEST_ID, request, 'ES');
    expect(routedTopics(notice)).toEqual([countryTopic('FR'), TOPICS.secretariat].sort());
    expect(JSON.parse(Buffer.from(notice.payload).toString('utf8'))).toMatchObject({
      requestId: REQUEST_ID,
      requester: 'FR',
      silentRecipient: 'ES',
      recipientCount: 2,
    });
    expect(notice.messageId).toBe(noticeIdOf('FR', REQUEST_ID, 'ES'));
    expect(noticeEnvelope(REQUEST_ID, request, 'ES')).toEqual(notice);
  });

  it('leave the Secretariat out when the request kept it away', () => {
    if (request === undefined) throw new Error('no request');
    const notice = noticeEnvelope(REQUEST_ID, { ...request, secretariatMayKnow: false }, 'ES');
    expect(routedTopics(notice)).toEqual([countryTopic('FR')]);
  });
});
