import { IdempotencyStore, isSameMessage } from '../../../src/gateway/idempotency-store';
import { StreamRegistry } from '../../../src/gateway/grpc/stream-registry';
import { TokenBuckets } from '../../../src/gateway/grpc/token-bucket';
import type { PublishAck } from '../../../src/contract/generated/intelroute/v1/gateway';
import type { GatewayRefusal } from '../../../src/gateway/gateway-refusal';

describe('TokenBuckets', () => {
  it('grants a burst, then one message per 1/rate seconds, per identity', () => {
    const buckets = new TokenBuckets(10, 3);
    expect([0, 0, 0].map(() => buckets.take('fr', 1000))).toEqual([0, 0, 0]);
    expect(buckets.take('fr', 1000)).toBe(100); // empty: next token in 100 ms
    expect(buckets.take('de', 1000)).toBe(0); // another identity has its own bucket
    expect(buckets.take('fr', 1100)).toBe(0);
    expect(buckets.take('fr', 1100)).toBeGreaterThan(0);
  });

  it('refills no further than the burst', () => {
    const buckets = new TokenBuckets(1000, 2);
    buckets.take('fr', 0);
    expect([0, 0, 0].map(() => buckets.take('fr', 60_000))).toEqual([0, 0, 1]);
  });
});

describe('IdempotencyStore', () => {
  const ack = (id: string): PublishAck => ({
    messageId: id,
    records: [],
    duplicate: false,
    routesNotTaken: [],
    acceptedAt: new Date(0),
    traceId: 't',
  });
  const entry = (id: string, at: number) => ({
    payloadSha256: 'h',
    fingerprint: 'f',
    ack: ack(id),
    acceptedAtMs: at,
  });

  it('gives back exactly the ack it was given (entries are kept packed)', () => {
    const store = new IdempotencyStore(60_000, 10);
    const full: PublishAck = {
      messageId: '0f8e4c1a-7b2d-4e59-9a63-2d1c5b7e8f90',
      records: [
        { topic: 'intel.v1.country.DE', partition: 2, offset: '9223372036854775807' },
        { topic: 'intel.v1.secretariat', partition: 0, offset: '0' },
      ],
      duplicate: false,
      routesNotTaken: [
        { topic: 'intel.v1.wg.internet-drugs', reason: 'RESTRICTED', description: 'é ✓ 漢' },
      ],
      acceptedAt: new Date('2026-11-28T10:00:00.123Z'),
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    };
    const fingerprint = 'cd'.repeat(32);
    store.put(
      'FR|x',
      { payloadSha256: 'ab'.repeat(32), fingerprint, ack: full, acceptedAtMs: 5 },
      5,
    );
    // The fingerprint covers the payload hash, so only the fingerprint is kept.
    expect(store.get('FR|x', 6)).toEqual({
      payloadSha256: '',
      fingerprint,
      ack: full,
      acceptedAtMs: 5,
    });
    // An entry of an older gateway (no fingerprint) keeps its payload hash to compare with.
    store.put(
      'FR|old',
      { payloadSha256: 'ab'.repeat(32), fingerprint: '', ack: full, acceptedAtMs: 5 },
      5,
    );
    expect(store.get('FR|old', 6)).toEqual({
      payloadSha256: 'ab'.repeat(32),
      fingerprint: '',
      ack: full,
      acceptedAtMs: 5,
    });
  });

  it('tells a retry of the same message from a reuse of its id', () => {
    const retry = { fingerprint: 'f1', payloadSha256: 'p1' };
    expect(isSameMessage({ fingerprint: 'f1', payloadSha256: '' }, retry)).toBe(true);
    expect(isSameMessage({ fingerprint: 'f2', payloadSha256: '' }, retry)).toBe(false);
    expect(isSameMessage({ fingerprint: '', payloadSha256: 'p1' }, retry)).toBe(true);
    expect(isSameMessage({ fingerprint: '', payloadSha256: 'p2' }, retry)).toBe(false);
  });

  it('forgets an id once its window has passed', () => {
    const store = new IdempotencyStore(1000, 10);
    store.put('a', entry('a', 0), 0);
    expect(store.get('a', 999)?.ack.messageId).toBe('a');
    expect(store.get('a', 1000)).toBeUndefined();
  });

  it('keeps at most maxEntries, evicting the oldest acceptances first', () => {
    const store = new IdempotencyStore(60_000, 2);
    store.put('a', entry('a', 1), 1);
    store.put('b', entry('b', 2), 2);
    store.put('c', entry('c', 3), 3);
    expect(store.size).toBe(2);
    expect(store.get('a', 4)).toBeUndefined();
    expect(store.get('c', 4)).toBeDefined();
  });

  it('keeps the first acceptance of a key', () => {
    const store = new IdempotencyStore(60_000, 10);
    store.put('a', entry('first', 1), 1);
    store.put('a', entry('second', 2), 2);
    expect(store.get('a', 3)?.ack.messageId).toBe('first');
  });
});

describe('StreamRegistry', () => {
  it('refuses a stream beyond the per-identity limit, and frees the slot when one closes', () => {
    const registry = new StreamRegistry(2);
    const noop = () => undefined;
    const first = registry.open('fr', noop);
    registry.open('fr', noop);
    expect(registry.open('fr', noop)).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      reason: 'TOO_MANY_STREAMS',
    });
    expect('begin' in registry.open('de', noop)).toBe(true);
    (first as { close(): void }).close();
    expect('begin' in registry.open('fr', noop)).toBe(true);
  });

  it('drains: waits for messages in hand, then ends the stream with a retryable status', async () => {
    const registry = new StreamRegistry(5);
    const ended: GatewayRefusal[] = [];
    const lease = registry.open('fr', (reason) => ended.push(reason)) as {
      begin(): number;
      done(): number;
      draining(): boolean;
    };
    lease.begin();
    const drained = registry.drainAll();
    await Promise.resolve();
    expect(lease.draining()).toBe(true);
    expect(ended).toEqual([]); // one message still in hand
    lease.done();
    await drained;
    expect(ended).toEqual([
      expect.objectContaining({ status: 'UNAVAILABLE', reason: 'SHUTTING_DOWN' }),
    ]);
    expect(registry.size).toBe(0);
  });
});
