import type { ChainView } from '../console-model';
import { isoOrNull, type AuditFact } from './record-facts';

/**
 * Chains the index keeps track of at most: intelroute writes one per gateway and reader
 * instance (dozens); past this, a foreign trail's chains are not listed (but still counted
 * everywhere else).
 */
export const MAX_CHAINS = 10_000;

interface ChainState {
  length: number;
  lastSequence: string;
  lastAtMs: number;
}

/** Every chain seen: how many of its records were read, and the last one's sequence and time. */
export class ChainTable {
  private readonly chains = new Map<string, ChainState>();

  record(fact: AuditFact): void {
    const chain = this.chains.get(fact.chainId);
    if (chain === undefined) {
      if (this.chains.size >= MAX_CHAINS) return;
      this.chains.set(fact.chainId, {
        length: 1,
        lastSequence: fact.sequence,
        lastAtMs: fact.atMs,
      });
      return;
    }
    chain.length += 1;
    chain.lastSequence = fact.sequence;
    // A record without a time keeps the last time known, rather than blanking it.
    if (!Number.isNaN(fact.atMs)) chain.lastAtMs = fact.atMs;
  }

  /** Sorted by chain id; `verified` is null (the console merges verification results in). */
  views(): ChainView[] {
    return [...this.chains]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([chainId, chain]) => ({
        chainId,
        length: chain.length,
        lastSequence: chain.lastSequence,
        lastAt: isoOrNull(chain.lastAtMs),
        verified: null,
      }));
  }
}
