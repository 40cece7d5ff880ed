import { TOPICS } from '../contract/topic-names';
import type { OutboundRecord } from '../kafka/record-format';
import { AUDIT_CONTENT_TYPE } from './audit-format';
import type { AuditBatch } from './audit-chain';
import { encodeChainHead } from './audit-head';

/** The audit topic and its heads topic, with the deployment's prefix applied. */
export interface AuditTopics {
  readonly audit: string;
  readonly heads: string;
}

/** `prefix + TOPICS.audit` and `prefix + TOPICS.auditHeads` (the prefix is '' in production). */
export function auditTopicsFor(prefix: string): AuditTopics {
  return { audit: `${prefix}${TOPICS.audit}`, heads: `${prefix}${TOPICS.auditHeads}` };
}

/**
 * The records one transaction writes for a batch: every audit record (key = chain id, in chain
 * order) then the chain's new head, all with `content-type: application/json`. Empty for an
 * empty batch. The caller writes them in one transaction, so a reader never sees a head without
 * its records.
 */
export function outboundAuditRecords(batch: AuditBatch, topics: AuditTopics): OutboundRecord[] {
  if (batch.head === undefined) return [];
  const key = Buffer.from(batch.head.chainId, 'utf8');
  const headers = { 'content-type': AUDIT_CONTENT_TYPE };
  return [
    ...batch.appended.map((entry) => ({ topic: topics.audit, key, value: entry.value, headers })),
    { topic: topics.heads, key, value: encodeChainHead(batch.head), headers },
  ];
}
