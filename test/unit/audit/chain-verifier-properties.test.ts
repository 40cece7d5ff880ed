import fc from 'fast-check';
import { verifyChains, type RecordPosition } from '../../../src/audit';
import type { AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';
import {
  buildTrail,
  chainRecords,
  positionOf,
  rewritten,
  withRecords,
  type FakeRecord,
  type FakeTrail,
} from './audit-fixtures';

const RUNS = { numRuns: 500 };
const CHAIN_IDS = ['gateway-1', 'gateway-2', 'reader-FR'];

/** 1–3 chains of 1–8 records, interleaved at random in one partition. */
const trailArbitrary = fc
  .array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 })
  .chain((lengths) => {
    const ids = lengths.flatMap((n, c) => Array<string>(n).fill(CHAIN_IDS[c] ?? 'x'));
    return fc
      .shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length })
      .map((order) =>
        buildTrail(Object.fromEntries(lengths.map((n, c) => [CHAIN_IDS[c] ?? 'x', n])), order),
      );
  });

/** Content changes that leave the chain fields alone or break them at the record itself. */
const alterations: ReadonlyArray<(record: AuditRecord) => AuditRecord> = [
  (r) => ({ ...r, payloadSha256: 'cd'.repeat(32) }),
  (r) => ({ ...r, identity: 'ncb:XX' }),
  (r) => ({ ...r, messageId: 'forged' }),
  (r) => ({ ...r, at: new Date(0) }),
  (r) => ({ ...r, chainId: `${r.chainId}-other` }),
  (r) => ({ ...r, sequence: String(BigInt(r.sequence) + 2n) }),
];

type Mutation =
  | { kind: 'delete' | 'swap'; chain: number; index: number }
  | { kind: 'alter'; chain: number; index: number; how: number }
  | { kind: 'flip'; chain: number; index: number; byte: number; bit: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete' as const, 'swap' as const),
    chain: fc.nat(),
    index: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('alter' as const),
    chain: fc.nat(),
    index: fc.nat(),
    how: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('flip' as const),
    chain: fc.nat(),
    index: fc.nat(),
    byte: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
);

const replace = (trail: FakeTrail, victim: FakeRecord, value: Buffer): FakeTrail =>
  withRecords(trail, (records) => records.map((r) => (r === victim ? { ...r, value } : r)));

/** Applies the mutation to one chain; returns the tampered trail and the offset expected. */
function mutate(
  trail: FakeTrail,
  m: Mutation,
): { chainId: string; tampered: FakeTrail; expected: RecordPosition | undefined } | undefined {
  const chainId = [...trail.heads.keys()].sort()[m.chain % trail.heads.size] ?? '';
  const records = chainRecords(trail, chainId);
  const i = m.index % records.length;
  const victim = records[i]!;
  switch (m.kind) {
    case 'delete': {
      const tampered = withRecords(trail, (rs) => rs.filter((r) => r !== victim));
      // The first record after the hole; for the last one the record before (the cut tail).
      const expected = records[i + 1] ?? records[i - 1];
      return { chainId, tampered, expected: expected && positionOf(expected) };
    }
    case 'swap': {
      const other = records[i + 1];
      if (other === undefined) return undefined;
      const swapped = replace(replace(trail, victim, other.value), other, victim.value);
      return { chainId, tampered: swapped, expected: positionOf(victim) };
    }
    case 'alter': {
      const change = alterations[m.how % alterations.length]!;
      return {
        chainId,
        tampered: replace(trail, victim, rewritten(victim, change)),
        expected: positionOf(victim),
      };
    }
    case 'flip':
      return flip(trail, chainId, records, i, m);
  }
}

/**
 * One bit flipped anywhere in the value: reported at that record, except when the flip turns a
 * digit of previous_hash into another hex digit: then the link to the previous record breaks and
 * the verifier cannot tell which side was altered, so it names the previous record.
 */
function flip(
  trail: FakeTrail,
  chainId: string,
  records: FakeRecord[],
  i: number,
  m: { byte: number; bit: number },
): { chainId: string; tampered: FakeTrail; expected: RecordPosition | undefined } {
  const victim = records[i]!;
  const value = Buffer.from(victim.value);
  const at = m.byte % value.length;
  value[at] = (value[at] ?? 0) ^ (1 << m.bit);
  const hashStart = victim.value.indexOf('"previousHash":"') + '"previousHash":"'.length;
  const inHash = at >= hashStart && at < hashStart + 64;
  const stillHex = /[0-9a-f]/.test(String.fromCharCode(value[at] ?? 0));
  const previous = inHash && stillHex && i > 0 ? records[i - 1] : victim;
  return { chainId, tampered: replace(trail, victim, value), expected: positionOf(previous) };
}

describe('verifyChains properties (random interleaved chains, one mutation)', () => {
  it('finds every untouched trail ok', () => {
    fc.assert(
      fc.property(trailArbitrary, (trail) => verifyChains(trail.records, trail.heads).ok),
      RUNS,
    );
  });

  it('detects any single delete, alteration, swap or bit flip at the first affected offset', () => {
    fc.assert(
      fc.property(trailArbitrary, mutationArbitrary, (trail, m) => {
        const mutated = mutate(trail, m);
        if (mutated === undefined) return;
        const report = verifyChains(mutated.tampered.records, mutated.tampered.heads);
        expect(report.ok).toBe(false);
        for (const chain of report.chains) {
          if (chain.chainId === mutated.chainId) {
            expect(chain.problem?.at).toEqual(mutated.expected);
          } else {
            expect(chain.problem).toBeUndefined();
          }
        }
      }),
      RUNS,
    );
  });
});
