import type { AuditRecord } from '../contract/generated/intelroute/v1/records';

/**
 * Every audit record about `messageId`, across all chains, in the order things happened: by
 * `at`, then chain id, then sequence (a chain's own order breaks ties within one millisecond;
 * records without a time come first). The input is not modified.
 */
export function messageStory(records: Iterable<AuditRecord>, messageId: string): AuditRecord[] {
  const story: AuditRecord[] = [];
  for (const record of records) if (record.messageId === messageId) story.push(record);
  return story.sort(compareStoryOrder);
}

/** Orders audit records by time, then chain id, then sequence. */
export function compareStoryOrder(a: AuditRecord, b: AuditRecord): number {
  const time = (a.at?.getTime() ?? -Infinity) - (b.at?.getTime() ?? -Infinity);
  if (time !== 0 && !Number.isNaN(time)) return time;
  if (a.chainId !== b.chainId) return a.chainId < b.chainId ? -1 : 1;
  const [x, y] = [BigInt(a.sequence), BigInt(b.sequence)];
  return x < y ? -1 : x > y ? 1 : 0;
}
