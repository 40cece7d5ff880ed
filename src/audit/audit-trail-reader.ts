import type { AuditTopics } from './audit-outbound';
import {
  readTopicToEnd,
  topicEnds,
  type TopicReaderDeps,
  type TopicRecord,
} from '../kafka/topic-reader';

/** The audit topic and the heads topic, read to their ends. */
export interface AuditTrail {
  readonly records: readonly TopicRecord[];
  readonly heads: readonly TopicRecord[];
}

/**
 * Reads the whole audit trail for `audit verify`. The heads topic's ends are taken first, then the
 * audit topic's: a transaction writes a chain's records and head together, so every head read
 * belongs to a transaction already committed when the audit topic's end is taken, and its records
 * are in the snapshot. On a trail being written, records committed between the two may follow
 * their chain's head (verify with allowRecordsAfterHead).
 * @throws IntelrouteError as readTopicToEnd.
 */
export async function readAuditTrail(
  deps: TopicReaderDeps,
  topics: AuditTopics,
): Promise<AuditTrail> {
  const headEnds = await topicEnds(deps, topics.heads);
  const auditEnds = await topicEnds(deps, topics.audit);
  const [records, heads] = await Promise.all([
    readTopicToEnd(deps, topics.audit, auditEnds),
    readTopicToEnd(deps, topics.heads, headEnds),
  ]);
  return { records, heads };
}
