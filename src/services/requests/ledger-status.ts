import type { KafkaAdmin, KafkaClient } from '../../kafka/kafka-connection';
import { TOPICS } from '../../contract/topic-names';
import { readTopicToEnd } from '../../kafka/topic-reader';
import { decodeLedgerEntry } from './ledger-codec';
import { recipientStatuses, type LedgerEntry, type RecipientStatus } from './ledger-entry';
import type { Party, PriorityName } from './ledger-event';

/** One request as `intelroute requests status` prints it (a JSON line). */
export interface RequestStatusLine {
  readonly requestId: string;
  readonly requester: Party;
  readonly priority: PriorityName;
  readonly requestedAt: string;
  readonly replyDueAt: string;
  readonly recipients: readonly {
    readonly recipient: Party;
    readonly status: RecipientStatus;
    readonly responseId?: string;
    readonly answeredAt?: string;
    readonly noticeId?: string;
  }[];
}

/**
 * The status lines of the ledger's entries at `nowMs`, sorted by deadline; with `overdueOnly`,
 * only requests with a recipient overdue (notified or not). Entries whose request is not known
 * yet (an answer read first) are left out. Pure.
 */
export function statusLines(
  entries: Iterable<LedgerEntry>,
  nowMs: number,
  overdueOnly: boolean,
): RequestStatusLine[] {
  const lines: RequestStatusLine[] = [];
  for (const entry of entries) {
    const request = entry.request;
    if (request === undefined) continue;
    const recipients = recipientStatuses(entry, nowMs).map(({ recipient, status }) => ({
      recipient,
      status,
      ...entry.answers[recipient],
      ...(entry.notices[recipient] === undefined
        ? {}
        : { noticeId: entry.notices[recipient].noticeId }),
    }));
    const overdue = recipients.some(
      (r) => r.status === 'overdue' || r.status === 'overdue-notified',
    );
    if (overdueOnly && !overdue) continue;
    const { requester, priority, requestedAt, dueAt: replyDueAt } = request;
    lines.push({
      requestId: entry.requestId,
      requester,
      priority,
      requestedAt,
      replyDueAt,
      recipients,
    });
  }
  return lines.sort((a, b) => Date.parse(a.replyDueAt) - Date.parse(b.replyDueAt));
}

/**
 * Every entry of the ledger (`intel.v1.requests.ledger` read to its end, the last record per
 * request). @throws IntelrouteError KAFKA_TOPIC_MISSING, KAFKA_TIMEOUT, KAFKA_UNAVAILABLE.
 */
export async function readLedger(deps: {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly topicPrefix: string;
}): Promise<LedgerEntry[]> {
  const topic = `${deps.topicPrefix}${TOPICS.requestLedger}`;
  const latest = new Map<string, LedgerEntry>();
  for (const record of await readTopicToEnd(deps, topic)) {
    const key = record.key?.toString('utf8');
    if (key === undefined) continue;
    const entry = record.value === null ? undefined : decodeLedgerEntry(record.value);
    if (entry === undefined) latest.delete(key);
    else latest.set(key, entry);
  }
  return [...latest.values()];
}
