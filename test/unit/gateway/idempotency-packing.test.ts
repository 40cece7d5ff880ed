import fc from 'fast-check';
import type { PublishAck } from '../../../src/contract/generated/intelroute/v1/gateway';
import { IdempotencyPacker } from '../../../src/gateway/idempotency-packing';
import { IdempotencyStore, type IdempotencyEntry } from '../../../src/gateway/idempotency-store';

/** What get gives back: the payload hash only where no fingerprint covers it. */
const expected = (entry: IdempotencyEntry): IdempotencyEntry => ({
  ...entry,
  payloadSha256: entry.fingerprint === '' ? entry.payloadSha256 : '',
});

const hex = (minLength: number, maxLength: number) =>
  fc.uint8Array({ minLength, maxLength }).map((bytes) => Buffer.from(bytes).toString('hex'));

/** Every kind of text the packer tells apart, and what sits between them. */
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.nat(0xffff).map((code) => String.fromCharCode(code)) }), // lone surrogates
  hex(0, 40),
  hex(1, 32).map((h) => h.toUpperCase()),
  hex(1, 32).map((h) => h.slice(1)), // odd length
  fc.uuid(),
  fc.uuid().map((uuid) => uuid.toUpperCase()),
  fc.constantFrom('', 'f', 't', 'ncb:FR', 'é ✓ 漢'),
);

const offset = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.nat().map(String),
  fc.constantFrom('0', '18446744073709551615', '18446744073709551616', '007', '-1', '1e3', ''),
  text,
);

const partition = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.double());

const SAME = 'same as acceptedAtMs';

const entry: fc.Arbitrary<IdempotencyEntry> = fc
  .record({
    payloadSha256: fc.oneof(hex(32, 32), text),
    fingerprint: fc.oneof(fc.constant(''), hex(32, 32), text),
    acceptedAtMs: fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double()),
    messageId: fc.oneof(fc.uuid(), text),
    traceId: fc.oneof(hex(16, 16), text),
    duplicate: fc.boolean(),
    acceptedAt: fc.option(fc.oneof(fc.constant(SAME), fc.date({ noInvalidDate: true }))),
    records: fc.array(fc.record({ topic: text, partition, offset }), { maxLength: 5 }),
    routesNotTaken: fc.array(fc.record({ topic: text, reason: text, description: text }), {
      maxLength: 30,
    }),
  })
  .map(({ payloadSha256, fingerprint, acceptedAtMs, acceptedAt, ...ack }) => ({
    payloadSha256,
    fingerprint,
    acceptedAtMs,
    ack: {
      ...ack,
      acceptedAt: acceptedAt === SAME ? new Date(acceptedAtMs) : (acceptedAt ?? undefined),
    },
  }))
  // Jest never finds two Invalid Dates equal; new Date(NaN) is what would come back.
  .filter(({ ack }) => ack.acceptedAt === undefined || !Number.isNaN(ack.acceptedAt.getTime()));

const ack = (routesNotTaken: PublishAck['routesNotTaken']): PublishAck => ({
  messageId: '0f8e4c1a-7b2d-4e59-9a63-2d1c5b7e8f90',
  records: [{ topic: 'intel.v1.secretariat', partition: 1, offset: '42' }],
  duplicate: false,
  routesNotTaken,
  acceptedAt: new Date(1_000),
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
});

/** An entry accepted at `acceptedAtMs`, with nothing else to it. */
const at = (acceptedAtMs: number): IdempotencyEntry => ({
  payloadSha256: '',
  fingerprint: '',
  ack: ack([]),
  acceptedAtMs,
});

describe('IdempotencyStore packing', () => {
  it('gives back exactly what was put, for entries sharing one string table', () => {
    // An infinite window keeps every acceptedAtMs (NaN and infinities included) unexpired.
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string(), entry), { selector: ([key]) => key }),
        (puts) => {
          const store = new IdempotencyStore(Infinity, puts.length + 1);
          for (const [key, put] of puts) store.put(key, put, 0);
          for (const [key, put] of puts) expect(store.get(key, 0)).toEqual(expected(put));
        },
      ),
    );
  });

  it('keeps a repeated string once, and puts new ones inline past 4,096 strings', () => {
    const packer = new IdempotencyPacker();
    const route = (i: number) => ({ topic: `topic-${i}`, reason: 'R', description: 'D' });
    const many = Array.from({ length: 4_200 }, (_, i) => route(i));
    const entryOf = (routes: PublishAck['routesNotTaken']): IdempotencyEntry => ({
      payloadSha256: '',
      fingerprint: 'cd'.repeat(32),
      ack: ack(routes),
      acceptedAtMs: 1_000,
    });
    const first = packer.pack(entryOf(many));
    expect(packer.unpack(first)).toEqual(entryOf(many));
    // Known strings are indexes now; topic-4200 found the table full and stays inline.
    const known = packer.pack(entryOf([route(7)]));
    const late = packer.pack(entryOf([route(4_200)]));
    expect(known).not.toContain('topic-7');
    expect(late).toContain('topic-4200');
    expect(packer.unpack(late)).toEqual(entryOf([route(4_200)]));
    expect(packer.unpack(known)).toEqual(entryOf([route(7)]));
  });

  it('keeps an offset above 2^64 - 1 or not in canonical form as its text', () => {
    const store = new IdempotencyStore(60_000, 10);
    for (const offset of ['18446744073709551616', '007', '+1', '-1', ' 1', '1.0']) {
      const put: IdempotencyEntry = {
        payloadSha256: 'ab'.repeat(32),
        fingerprint: '',
        acceptedAtMs: 1_000,
        ack: { ...ack([]), records: [{ topic: 't', partition: 0, offset }] },
      };
      store.put(offset, put, 1_000);
      expect(store.get(offset, 1_000)?.ack.records[0]?.offset).toBe(offset);
    }
  });

  it('expires and evicts by the acceptedAtMs packed in the entry', () => {
    const store = new IdempotencyStore(1_000, 3);
    store.put('a', at(100), 100);
    store.put('b', at(200), 200);
    store.put('c', at(1_150), 1_150); // a expired at 1,100 and goes, with room to spare
    expect(store.size).toBe(2);
    expect(store.get('a', 1_150)).toBeUndefined();
    expect(store.get('b', 1_150)?.acceptedAtMs).toBe(200);
    expect(store.get('b', 1_200)).toBeUndefined();
  });

  it('keeps the newest maxEntries through thousands of evictions', () => {
    const store = new IdempotencyStore(1_000_000, 10);
    for (let i = 0; i < 5_000; i++) {
      store.put(`k${i}`, at(i), i);
      if (i % 7 === 0) store.get(`k${i - 3}`, i); // a retry now and then: nothing changes
    }
    expect(store.size).toBe(10);
    for (let i = 4_990; i < 5_000; i++) expect(store.get(`k${i}`, 5_000)?.acceptedAtMs).toBe(i);
    expect(store.get('k4989', 5_000)).toBeUndefined();
  });

  it('keeps exactly the entries a front-first walk of the whole Map keeps, whatever the operations', () => {
    /** The rule, stated the plain way: after a put, walk from the oldest, drop while due. */
    class Reference {
      readonly entries = new Map<string, number>();
      constructor(
        private readonly windowMs: number,
        private readonly maxEntries: number,
      ) {}
      get(key: string, nowMs: number): number | undefined {
        const accepted = this.entries.get(key);
        if (accepted !== undefined && accepted + this.windowMs <= nowMs) this.entries.delete(key);
        return accepted !== undefined && accepted + this.windowMs > nowMs ? accepted : undefined;
      }
      put(key: string, accepted: number, nowMs: number): void {
        if (this.entries.has(key)) return;
        this.entries.set(key, accepted);
        for (const [oldest, acceptedAt] of this.entries) {
          if (acceptedAt + this.windowMs > nowMs && this.entries.size <= this.maxEntries) return;
          this.entries.delete(oldest);
        }
      }
    }
    const operation = fc.record({
      put: fc.boolean(),
      key: fc.integer({ min: 0, max: 15 }).map(String),
      advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 })),
      // Entries loaded from Kafka at start-up were accepted earlier, some beyond the window.
      ageMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 })),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.array(operation, { minLength: 100, maxLength: 300 }),
        (maxEntries, windowMs, operations) => {
          const store = new IdempotencyStore(windowMs, maxEntries);
          const reference = new Reference(windowMs, maxEntries);
          let now = 0;
          for (const { put, key, advanceMs, ageMs } of operations) {
            now += advanceMs;
            const acceptedAtMs = now - ageMs;
            if (put) {
              store.put(key, at(acceptedAtMs), now);
              reference.put(key, acceptedAtMs, now);
            } else if (store.get(key, now)?.acceptedAtMs !== reference.get(key, now)) {
              return false;
            }
            // (plain comparisons: an expect per operation made the test 15 s long)
            if (store.size !== reference.entries.size) return false;
          }
          return [...reference.entries.keys()].every(
            (key) => store.get(key, now)?.acceptedAtMs === reference.get(key, now),
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
