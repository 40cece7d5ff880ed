import type { TopicReaderDeps } from '../kafka/topic-reader';
import type { AuditChainHead, HeadProblem } from './audit-head';
import { readHeads } from './audit-head';
import type { AuditTopics } from './audit-outbound';
import {
  formatHeadProblem,
  formatSignatureProblem,
  formatSummary,
  formatVerdict,
} from './audit-report-format';
import { readAuditTrail } from './audit-trail-reader';
import { verifyChains } from './chain-verifier';
import {
  checkHeadSignatures,
  type HeadSignatureProblem,
  type TrustedWriterKey,
} from './head-signature';
import type { VerificationReport } from './verification-types';

/** A whole verification of the trail: chains, unusable heads, heads no trusted writer signed. */
export interface TrailVerification {
  readonly ok: boolean;
  readonly report: VerificationReport;
  readonly heads: ReadonlyMap<string, AuditChainHead>;
  readonly headProblems: readonly HeadProblem[];
  readonly untrusted: readonly HeadSignatureProblem[];
  /** What `audit verify` prints: one line per chain, per head problem, per unsigned head, a summary. */
  readonly lines: readonly string[];
  /** The lines of `lines` that name a problem (broken chains, unusable heads, unsigned heads). */
  readonly problemLines: readonly string[];
}

/**
 * Reads the audit trail to its end and verifies every chain against its head and every head
 * against the trusted writers' keys (`audit verify`, and the console's "verify now").
 * @throws IntelrouteError as readAuditTrail.
 */
export async function verifyAuditTrail(
  deps: TopicReaderDeps,
  topics: AuditTopics,
  trusted: readonly TrustedWriterKey[],
  options: { readonly live: boolean },
): Promise<TrailVerification> {
  const trail = await readAuditTrail(deps, topics);
  const { heads, problems } = readHeads(trail.heads);
  const report = verifyChains(trail.records, heads, { allowRecordsAfterHead: options.live });
  const untrusted = checkHeadSignatures(heads, trusted);
  const headLines = problems.map(formatHeadProblem);
  const signatureLines = untrusted.map(formatSignatureProblem);
  const broken = report.chains.filter((chain) => chain.problem !== undefined);
  const problemLines = [...broken.map(formatVerdict), ...headLines, ...signatureLines];
  const lines = [
    ...report.chains.map(formatVerdict),
    ...headLines,
    ...signatureLines,
    formatSummary(report, problems, untrusted),
  ];
  return {
    ok: report.ok && problems.length === 0 && untrusted.length === 0,
    report,
    heads,
    headProblems: problems,
    untrusted,
    lines,
    problemLines,
  };
}
