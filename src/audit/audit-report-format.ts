import { auditEventToJSON, type AuditRecord } from '../contract/generated/intelroute/v1/records';
import type { HeadProblem } from './audit-head';
import type { HeadSignatureProblem } from './head-signature';
import type { ChainVerdict, RecordPosition, VerificationReport } from './verification-types';

/** `ok <chain> <n> records` or `BROKEN <chain> at <partition>:<offset>: <problem>`. */
export function formatVerdict(verdict: ChainVerdict): string {
  const chain = chainName(verdict.chainId);
  if (verdict.problem === undefined) return `ok ${chain} ${verdict.records} records`;
  return `BROKEN ${chain}${where(verdict.problem.at)}: ${verdict.problem.message}`;
}

/** `BROKEN head <chain> at <partition>:<offset>: <problem>` for an unusable head record. */
export function formatHeadProblem(problem: HeadProblem): string {
  return `BROKEN head ${chainName(problem.chainId)}${where(problem.at)}: ${problem.message}`;
}

/** `UNTRUSTED <chain>: <why>` for a chain whose head no trusted writer signed. */
export function formatSignatureProblem(problem: HeadSignatureProblem): string {
  return `UNTRUSTED ${chainName(problem.chainId)}: ${problem.message}`;
}

/** The closing line of `audit verify`. */
export function formatSummary(
  report: VerificationReport,
  headProblems: readonly HeadProblem[],
  untrusted: readonly HeadSignatureProblem[] = [],
): string {
  const broken = report.chains.filter((chain) => chain.problem !== undefined).length;
  const counts = `${report.chains.length} chain(s), ${report.records} record(s)`;
  if (broken === 0 && headProblems.length === 0 && untrusted.length === 0) {
    return `audit trail ok: ${counts}`;
  }
  const found = `${broken} broken chain(s), ${headProblems.length} unusable head(s), ${untrusted.length} untrusted chain(s)`;
  return `audit trail BROKEN: ${found}; ${counts}`;
}

/** The first line of `audit trace`: the message, how many events, its trace id(s). */
export function formatStoryHeader(messageId: string, story: readonly AuditRecord[]): string {
  const traces = [...new Set(story.map((record) => record.traceId).filter((id) => id !== ''))];
  return `message ${messageId}: ${story.length} audit event(s), trace ${traces.join(', ') || '(none)'}`;
}

/**
 * One event of a message's story: time, event, chain#sequence, then what is set of identity,
 * origin, locations (`topic/partition@offset`), routes not taken, reason, fields, rule, reader
 * and trace id. Description texts are JSON-quoted so a line stays one line.
 */
export function formatStoryLine(record: AuditRecord): string {
  const parts = [
    record.at?.toISOString() ?? '(no time)',
    auditEventToJSON(record.event).replace(/^AUDIT_EVENT_/, ''),
    `chain=${chainName(record.chainId)}#${record.sequence}`,
  ];
  const add = (name: string, value: string): void => {
    if (value !== '') parts.push(`${name}=${value}`);
  };
  add('identity', record.identity);
  add('origin', record.origin);
  add('locations', record.locations.map((l) => `${l.topic}/${l.partition}@${l.offset}`).join(','));
  add('not-taken', record.routesNotTaken.map((r) => `${r.topic}:${r.reason}`).join(','));
  add('reason', record.reason);
  add('description', record.description === '' ? '' : JSON.stringify(record.description));
  add('fields', record.fields.join(','));
  add('rule', record.ruleId);
  add('reader', record.reader);
  add('trace', record.traceId);
  return parts.join(' ');
}

function where(at: RecordPosition | undefined): string {
  return at === undefined ? '' : ` at ${at.partition}:${at.offset}`;
}

function chainName(chainId: string): string {
  return chainId === '' ? '(no key)' : chainId;
}
