import { appendToChain, resumeChain, verifyChains, type ChainVerdict } from '../../../src/audit';
import {
  buildTrail,
  chainRecords,
  eventFields,
  positionOf,
  rewritten,
  withRecords,
  type FakeTrail,
} from './audit-fixtures';

const verdictOf = (trail: FakeTrail, chainId: string): ChainVerdict | undefined =>
  verifyChains(trail.records, trail.heads).chains.find((chain) => chain.chainId === chainId);

describe('verifyChains on an untouched trail', () => {
  it('finds every chain ok, counting its records', () => {
    const trail = buildTrail({ 'gateway-1': 5 });
    const report = verifyChains(trail.records, trail.heads);
    expect(report).toEqual({
      ok: true,
      records: 5,
      chains: [{ chainId: 'gateway-1', records: 5, problem: undefined }],
    });
  });

  it('walks interleaved chains of one partition separately', () => {
    const order = ['a', 'b', 'a', 'c', 'b', 'a', 'c', 'b', 'a'];
    const trail = buildTrail({ a: 4, b: 3, c: 2 }, order);
    const report = verifyChains(trail.records, trail.heads);
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.chainId, c.records])).toEqual([
      ['a', 4],
      ['b', 3],
      ['c', 2],
    ]);
  });

  it('orders records by offset as numbers, whatever order they are given in', () => {
    const trail = buildTrail({ a: 12 });
    // "10" < "9" as text: a verifier sorting offsets as strings would see the chain reordered.
    expect(verifyChains([...trail.records].reverse(), trail.heads).ok).toBe(true);
  });
});

describe('verifyChains on a tampered trail names the first bad offset', () => {
  const trail = buildTrail({ a: 6, b: 4 }, ['a', 'b', 'a', 'a', 'b', 'a', 'b', 'a', 'b', 'a']);
  const a = chainRecords(trail, 'a');

  it('altered record (payload_sha256 changed): the altered record itself', () => {
    const victim = a[2]!;
    const tampered = withRecords(trail, (records) =>
      records.map((r) =>
        r === victim
          ? { ...r, value: rewritten(r, (x) => ({ ...x, payloadSha256: 'cd'.repeat(32) })) }
          : r,
      ),
    );
    const verdict = verdictOf(tampered, 'a');
    expect(verdict?.problem).toMatchObject({ kind: 'altered', at: positionOf(victim) });
    expect(verdict?.problem?.message).toContain(`sequence 3 at 0:${a[3]!.offset}`);
    expect(verdictOf(tampered, 'b')?.problem).toBeUndefined();
  });

  it('one byte flipped inside a string: the flipped record', () => {
    const victim = a[1]!;
    const value = Buffer.from(victim.value);
    const at = value.indexOf('ncb:FR') + 4;
    value[at] = 'D'.charCodeAt(0); // identity ncb:FR -> ncb:DR, still valid JSON
    const tampered = withRecords(trail, (rs) =>
      rs.map((r) => (r === victim ? { ...r, value } : r)),
    );
    expect(verdictOf(tampered, 'a')?.problem).toMatchObject({
      kind: 'altered',
      at: positionOf(victim),
    });
  });

  it('a byte flip that breaks the JSON: that record, as unparseable', () => {
    const victim = a[4]!;
    const value = Buffer.from(victim.value);
    value[0] = 0xff;
    const tampered = withRecords(trail, (rs) =>
      rs.map((r) => (r === victim ? { ...r, value } : r)),
    );
    const problem = verdictOf(tampered, 'a')?.problem;
    expect(problem).toMatchObject({ kind: 'altered', at: positionOf(victim) });
    expect(problem?.message).toContain('does not parse as an AuditRecord');
  });

  it('the last record altered: the last record (its hash no longer matches the head)', () => {
    const victim = a[5]!;
    const tampered = withRecords(trail, (records) =>
      records.map((r) =>
        r === victim ? { ...r, value: rewritten(r, (x) => ({ ...x, identity: 'ncb:DE' })) } : r,
      ),
    );
    const problem = verdictOf(tampered, 'a')?.problem;
    expect(problem).toMatchObject({ kind: 'altered', at: positionOf(victim) });
    expect(problem?.message).toContain("differs from the chain's head");
  });

  it('deleted record (gap): the first record after the hole', () => {
    const tampered = withRecords(trail, (records) => records.filter((r) => r !== a[2]));
    const problem = verdictOf(tampered, 'a')?.problem;
    expect(problem).toMatchObject({ kind: 'gap', at: positionOf(a[3]) });
    expect(problem?.message).toContain('sequence jumps from 1 to 3: 1 record(s) missing');
  });

  it('two records swapped (reordering): the first of the two positions', () => {
    const [first, second] = [a[1]!, a[2]!];
    const tampered = withRecords(trail, (records) =>
      records.map((r) =>
        r === first
          ? { ...r, value: second.value }
          : r === second
            ? { ...r, value: first.value }
            : r,
      ),
    );
    const problem = verdictOf(tampered, 'a')?.problem;
    expect(problem).toMatchObject({ kind: 'reordered', at: positionOf(first) });
    expect(problem?.message).toContain(
      `sequence 2 comes before sequence 1 (at 0:${second.offset})`,
    );
  });

  it('tail cut (head mismatch): the last record left, after which the chain was cut', () => {
    const tampered = withRecords(trail, (records) =>
      records.filter((r) => r !== a[4] && r !== a[5]),
    );
    const problem = verdictOf(tampered, 'a')?.problem;
    expect(problem).toMatchObject({ kind: 'truncated', at: positionOf(a[3]) });
    expect(problem?.message).toContain('head names sequence 5: 2 record(s) cut off');
  });

  it('a record moved to another chain key: that record in the other chain, the hole in its own', () => {
    const moved = a[3]!;
    const tampered = withRecords(trail, (records) =>
      records.map((r) => (r === moved ? { ...r, key: 'b' } : r)),
    );
    const inB = verdictOf(tampered, 'b')?.problem;
    expect(inB).toMatchObject({ kind: 'altered', at: positionOf(moved) });
    expect(inB?.message).toContain('its chain_id "a" differs from its key "b"');
    expect(verdictOf(tampered, 'a')?.problem).toMatchObject({ kind: 'gap', at: positionOf(a[4]) });
  });

  it('a forged record claiming an existing sequence: the forgery', () => {
    const forged = {
      partition: 0,
      offset: '10',
      key: 'a',
      value: rewritten(a[2]!, (x) => ({ ...x, payloadSha256: 'ee'.repeat(32) })),
    };
    const tampered = withRecords(trail, (records) => [...records, forged]);
    const problem = verdictOf(tampered, 'a')?.problem;
    expect(problem).toMatchObject({ kind: 'reordered', at: positionOf(forged) });
    expect(problem?.message).toContain(`sequence 2 repeats (already at 0:${a[2]!.offset})`);
  });

  it('a record appended after the head: that record, unless records after the head are allowed', () => {
    const state = resumeChain(trail.heads.get('a')!);
    const extra = {
      partition: 0,
      offset: '10',
      key: 'a',
      value: appendToChain(state, eventFields('a', 6)).value,
    };
    const tampered = withRecords(trail, (records) => [...records, extra]);
    expect(verdictOf(tampered, 'a')?.problem).toMatchObject({
      kind: 'beyond-head',
      at: positionOf(extra),
    });
    const live = verifyChains(tampered.records, tampered.heads, { allowRecordsAfterHead: true });
    expect(live.ok).toBe(true);
  });

  it('sequence 0 whose previous_hash is not 64 zeros: that record', () => {
    const victim = a[0]!;
    const tampered = withRecords(trail, (records) =>
      records.map((r) =>
        r === victim
          ? { ...r, value: rewritten(r, (x) => ({ ...x, previousHash: '1'.repeat(64) })) }
          : r,
      ),
    );
    expect(verdictOf(tampered, 'a')?.problem).toMatchObject({
      kind: 'altered',
      at: positionOf(victim),
    });
  });

  it('a record in another partition than its chain: that record', () => {
    const victim = a[3]!;
    const tampered = withRecords(trail, (records) =>
      records.map((r) => (r === victim ? { ...r, partition: 1 } : r)),
    );
    expect(verdictOf(tampered, 'a')?.problem).toMatchObject({
      kind: 'misplaced',
      at: { partition: 1, offset: victim.offset },
    });
  });

  it('a chain with records but no head: its last record, which nothing vouches for', () => {
    const heads = new Map(trail.heads);
    heads.delete('b');
    const report = verifyChains(trail.records, heads);
    expect(report.ok).toBe(false);
    expect(report.chains.find((c) => c.chainId === 'b')?.problem).toMatchObject({
      kind: 'no-head',
      at: positionOf(chainRecords(trail, 'b')[3]),
    });
  });

  it('a chain in the heads topic with no records at all: no offset to name', () => {
    const tampered = withRecords(trail, (records) => records.filter((r) => r.key !== 'b'));
    const verdict = verdictOf(tampered, 'b');
    expect(verdict).toEqual({
      chainId: 'b',
      records: 0,
      problem: {
        kind: 'no-records',
        at: undefined,
        message: expect.stringContaining('names sequence 3') as unknown as string,
      },
    });
    expect(verifyChains(tampered.records, tampered.heads).ok).toBe(false);
  });
});
