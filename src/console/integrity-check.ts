import type { AuditTopics } from '../audit/audit-outbound';
import type { TrustedWriterKey } from '../audit/head-signature';
import { verifyAuditTrail, type TrailVerification } from '../audit/verify-trail';
import { errorText } from '../core/errors';
import {
  openKafkaConnection,
  type KafkaClient,
  type OwnedKafkaConnection,
} from '../kafka/kafka-connection';
import type { Logger } from '../telemetry/logger';
import type { ChainView, IntegrityView } from './console-model';

type LastRun = NonNullable<IntegrityView['lastRun']>;
type Verified = NonNullable<ChainView['verified']>;

export interface IntegrityCheckOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly topics: AuditTopics;
  /** Read when a verification starts (a key folder changed meanwhile counts). */
  readonly trustedKeys: () => readonly TrustedWriterKey[];
  readonly now?: () => Date;
}

/**
 * "Verify now": reads the whole trail as `intelroute audit verify --live` does and keeps the
 * result, one verification at a time (a second ask while one runs joins it). Reading the whole
 * trail is the point of a verification, so it runs only when an operator asks.
 */
export class IntegrityCheck {
  private lastRun: LastRun | null = null;
  private verdicts = new Map<string, Verified>();
  private running: Promise<void> | null = null;

  constructor(private readonly options: IntegrityCheckOptions) {}

  /** Starts a verification unless one runs; resolves when it is over (never rejects). */
  verifyNow(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The last verification and each chain's verdict merged into the index's chains. */
  view(chains: readonly ChainView[]): IntegrityView {
    const seen = new Set(chains.map((chain) => chain.chainId));
    const merged = chains.map((chain) => ({
      ...chain,
      verified: this.verdicts.get(chain.chainId) ?? null,
    }));
    for (const [chainId, verified] of this.verdicts) {
      if (!seen.has(chainId)) {
        merged.push({ chainId, length: 0, lastSequence: null, lastAt: null, verified });
      }
    }
    merged.sort((a, b) => (a.chainId < b.chainId ? -1 : a.chainId > b.chainId ? 1 : 0));
    return { chains: merged, lastRun: this.lastRun, running: this.running !== null };
  }

  private async run(): Promise<void> {
    const now = this.options.now ?? (() => new Date());
    const startedAt = now().toISOString();
    this.lastRun = { startedAt, finishedAt: null, ok: null, records: 0, problems: [], error: null };
    let connection: OwnedKafkaConnection | null = null;
    try {
      connection = await openKafkaConnection(this.options.kafka);
      const verification = await verifyAuditTrail(
        connection,
        this.options.topics,
        this.options.trustedKeys(),
        { live: true },
      );
      this.verdicts = verdictsOf(verification);
      this.lastRun = {
        startedAt,
        finishedAt: now().toISOString(),
        ok: verification.ok,
        records: verification.report.records,
        problems: verification.problemLines,
        error: null,
      };
      this.options.logger.info(
        { ok: verification.ok, records: verification.report.records },
        'audit trail verified from the console',
      );
    } catch (error) {
      this.lastRun = { ...this.lastRun, finishedAt: now().toISOString(), error: errorText(error) };
      this.options.logger.warn({ err: errorText(error) }, 'console verification failed');
    } finally {
      await connection?.close();
    }
  }
}

function verdictsOf(verification: TrailVerification): Map<string, Verified> {
  const untrusted = new Map(verification.untrusted.map((p) => [p.chainId, p.message]));
  const verdicts = new Map<string, Verified>();
  for (const chain of verification.report.chains) {
    const head = verification.heads.get(chain.chainId);
    const problem = chain.problem?.message ?? untrusted.get(chain.chainId) ?? null;
    verdicts.set(chain.chainId, {
      ok: problem === null,
      records: chain.records,
      head: head === undefined ? null : `#${head.sequence} ${head.hash.slice(0, 16)}…`,
      problem,
    });
  }
  return verdicts;
}
