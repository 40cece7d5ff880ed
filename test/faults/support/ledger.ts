/**
 * The ledger every fault scenario keeps, after Kafka's own replication system tests: what the
 * client was told (acked, refused), and what a reader's handler finally read.
 *
 * - **lost**: acked ids no handler read (an acknowledged message must never be lost);
 * - **duplicates**: handler reads beyond the first of an id (a reader handles each id once);
 * - **ambiguous**: ids read although the client was never told they were acked (a write whose
 *   outcome was unknown to the gateway, e.g. a commit cut off by a broker failure): counted and
 *   reported, never hidden;
 * - **foreign**: ids read that this scenario never sent to the reader's stream (a leak).
 *
 * Each scenario prints one line, `[fault] <scenario>: acked=N read=N duplicates=N ambiguous=N
 * lost=N`, followed by details in parentheses.
 */
export interface LedgerCounts {
  readonly sent: number;
  readonly acked: number;
  readonly refused: number;
  /** Distinct ids a handler read. */
  readonly read: number;
  readonly duplicates: number;
  readonly ambiguous: number;
  readonly lost: number;
  readonly foreign: number;
}

interface AckWaiter {
  readonly count: number;
  resolve(): void;
}

export class Ledger {
  private readonly sentIds = new Set<string>();
  private readonly ackedIds = new Set<string>();
  private readonly refusedIds = new Map<string, string>();
  private readonly reads = new Map<string, number>();
  private readonly waiters: AckWaiter[] = [];
  private readonly startedAtMs = Date.now();
  private settledSends = 0;
  private readonly details: string[] = [];

  constructor(readonly scenario: string) {}

  /** An id sent towards the stream the reader reads. */
  sent(id: string): void {
    this.sentIds.add(id);
  }

  /** The client got an ack for `id` (a second ack of the same id changes nothing). */
  acked(id: string): void {
    if (!this.sentIds.has(id)) throw new Error(`ack of ${id}, which was never sent`);
    this.ackedIds.add(id);
    this.refusedIds.delete(id);
    this.settledSends += 1;
    for (const waiter of [...this.waiters]) {
      if (this.ackedIds.size >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** The client's final answer for `id` was a refusal with gRPC code `codeName`. */
  refused(id: string, codeName: string): void {
    // The last refusal wins: a stream's final answer replaces an earlier retriable one.
    if (!this.ackedIds.has(id)) this.refusedIds.set(id, codeName);
    this.settledSends += 1;
  }

  /** A handler read `id` (call once per handler call that completed). */
  read(id: string): void {
    this.reads.set(id, (this.reads.get(id) ?? 0) + 1);
  }

  /** Takes `other`'s sends and answers (a second reader of the same load keeps its own reads). */
  adoptOutcomes(other: Ledger): void {
    for (const id of other.sentIds) this.sentIds.add(id);
    for (const id of other.ackedIds) this.ackedIds.add(id);
    for (const [id, code] of other.refusedIds) this.refusedIds.set(id, code);
  }

  /** Adds a `key=value` detail to the printed line. */
  note(detail: string): void {
    this.details.push(detail);
  }

  get ackedCount(): number {
    return this.ackedIds.size;
  }

  get readCount(): number {
    return this.reads.size;
  }

  /** Sends whose final outcome (ack or refusal) is known. */
  get settledCount(): number {
    return this.settledSends;
  }

  hasRead(id: string): boolean {
    return this.reads.has(id);
  }

  isAcked(id: string): boolean {
    return this.ackedIds.has(id);
  }

  ackedIdList(): string[] {
    return [...this.ackedIds];
  }

  /** Ambiguous ids by the code they were refused with (`never-answered` when none came). */
  ambiguousByCode(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const id of this.ambiguousIds()) {
      const code = this.refusedIds.get(id) ?? 'never-answered';
      codes[code] = (codes[code] ?? 0) + 1;
    }
    return codes;
  }

  /** gRPC code name → number of ids finally refused with it. */
  refusalCodes(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const code of this.refusedIds.values()) codes[code] = (codes[code] ?? 0) + 1;
    return codes;
  }

  /**
   * Resolves once `count` distinct ids were acked; rejects after `timeoutMs` (the load stalled)
   * or as soon as `finished` settles first (the load ended before the threshold).
   */
  whenAcked(count: number, timeoutMs: number, finished?: Promise<unknown>): Promise<void> {
    if (this.ackedIds.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${this.scenario}: ${this.ackedIds.size} acks, not ${count}, in time`));
      }, timeoutMs);
      const waiter: AckWaiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
      void finished?.finally(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(
          new Error(`${this.scenario}: load ended with ${this.ackedIds.size} acks < ${count}`),
        );
      });
    });
  }

  lostIds(): string[] {
    return [...this.ackedIds].filter((id) => !this.reads.has(id));
  }

  duplicateIds(): string[] {
    return [...this.reads].filter(([, n]) => n > 1).map(([id]) => id);
  }

  ambiguousIds(): string[] {
    return [...this.reads.keys()].filter((id) => this.sentIds.has(id) && !this.ackedIds.has(id));
  }

  foreignIds(): string[] {
    return [...this.reads.keys()].filter((id) => !this.sentIds.has(id));
  }

  counts(): LedgerCounts {
    let extraReads = 0;
    for (const n of this.reads.values()) extraReads += n - 1;
    return {
      sent: this.sentIds.size,
      acked: this.ackedIds.size,
      refused: this.refusedIds.size,
      read: this.reads.size,
      duplicates: extraReads,
      ambiguous: this.ambiguousIds().length,
      lost: this.lostIds().length,
      foreign: this.foreignIds().length,
    };
  }

  /** The scenario's line (see the file comment). */
  line(): string {
    const c = this.counts();
    const seconds = Math.round((Date.now() - this.startedAtMs) / 1000);
    const extra = [
      `sent=${c.sent}`,
      `refused=${c.refused}`,
      ...(c.foreign > 0 ? [`foreign=${c.foreign}`] : []),
      ...(c.ambiguous > 0 ? [`ambiguous-by-code=${JSON.stringify(this.ambiguousByCode())}`] : []),
      ...this.details,
      `${seconds}s`,
    ].join(' ');
    return (
      `[fault] ${this.scenario}: acked=${c.acked} read=${c.read} duplicates=${c.duplicates} ` +
      `ambiguous=${c.ambiguous} lost=${c.lost} (${extra})`
    );
  }

  /** Prints the line to stderr. */
  print(): void {
    process.stderr.write(`${this.line()}\n`);
  }
}

/**
 * The invariants: every acked id read, none read twice, nothing read that was not sent, and
 * the load meaningful (at least `minAcked` acks). Prints the line first, whatever the outcome.
 */
export function expectLedgerHolds(ledger: Ledger, minAcked: number): void {
  ledger.print();
  expect(ledger.lostIds()).toEqual([]);
  expect(ledger.duplicateIds()).toEqual([]);
  expect(ledger.foreignIds()).toEqual([]);
  expect(ledger.ackedCount).toBeGreaterThanOrEqual(minAcked);
}
