import type { Kafka } from 'kafkajs';
import {
  auditTopicsFor,
  parseAuditValue,
  readAuditTrail,
  readHeads,
  verifyChains,
  type VerificationReport,
} from '../../../src/audit';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';

/** `audit verify` over a scenario's trail, and what the trail says was routed. */
export interface AuditCheck {
  readonly report: VerificationReport;
  /** Unusable head records (must be none). */
  readonly headProblems: readonly string[];
  /** Message ids with a ROUTED record (each routed message is audited in its transaction). */
  readonly routed: ReadonlySet<string>;
  /** One line for the ledger: chains and records verified. */
  readonly summary: string;
}

/**
 * Verifies every audit chain of the deployment `prefix` (the pure verifyChains over
 * readAuditTrail, as `intelroute audit verify` does). Call it once every writer has stopped: the
 * trail is then complete, so no record may follow its chain's head.
 */
export async function checkAuditTrail(kafka: Kafka, prefix: string): Promise<AuditCheck> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const trail = await readAuditTrail({ kafka, admin }, auditTopicsFor(prefix));
    const { heads, problems } = readHeads(trail.heads);
    const report = verifyChains(trail.records, heads);
    const routed = new Set(
      trail.records
        .map((record) => parseAuditValue(record.value))
        .filter((record) => record.event === AuditEvent.AUDIT_EVENT_ROUTED)
        .map((record) => record.messageId),
    );
    return {
      report,
      headProblems: problems.map((p) => `${p.chainId}: ${p.message}`),
      routed,
      summary: `audit=${report.ok ? 'ok' : 'BROKEN'}(${report.chains.length} chains/${report.records} records)`,
    };
  } finally {
    await admin.disconnect();
  }
}

/** The chain problems of a report, readable in a failed expectation. */
export function chainProblems(report: VerificationReport): string[] {
  return report.chains.flatMap((chain) =>
    chain.problem === undefined
      ? []
      : [`${chain.chainId}: ${chain.problem.kind} ${chain.problem.message}`],
  );
}

/** The trail verifies and holds a ROUTED record for every acked id. */
export function expectAuditHolds(check: AuditCheck, ackedIds: readonly string[]): void {
  expect(chainProblems(check.report)).toEqual([]);
  expect(check.headProblems).toEqual([]);
  expect(check.report.ok).toBe(true);
  expect(ackedIds.filter((id) => !check.routed.has(id))).toEqual([]);
}
