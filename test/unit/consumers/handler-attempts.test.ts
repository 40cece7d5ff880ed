import { attemptHandler } from '../../../src/services/readers/runtime/handler-attempts';
import { RetryBook } from '../../../src/services/readers/runtime/retry-book';
import type { MessageHandler, ReaderDelivery } from '../../../src/services/readers';
import { IntelrouteError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/telemetry/logger';
import { validEnvelope } from '../../helpers/envelopes';

const record = { topic: 't', partition: 0, offset: '7' };
const delivery = (attempt: number): ReaderDelivery => ({
  envelope: validEnvelope('seizure-report'),
  record,
  headers: {},
  trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), sampled: true },
  attempt,
});
const policy = { maxAttempts: 3, backoff: { initialMs: 100, maxMs: 1000 } };
const deps = { logger: silentLogger(), random: () => 0.5 };
const signal = new AbortController().signal;
const failing: MessageHandler = async () => {
  throw new TypeError('boom');
};

describe('attemptHandler', () => {
  it('reports a handled message with its attempt number', async () => {
    const seen: number[] = [];
    const handler: MessageHandler = async ({ attempt }) => {
      seen.push(attempt);
    };
    expect(await attemptHandler(handler, delivery(2), policy, signal, deps)).toEqual({
      kind: 'handled',
      attempts: 2,
    });
    expect(seen).toEqual([2]);
  });

  it('asks for a retry after an exponential backoff until the last attempt, then gives up', async () => {
    const outcomes = [];
    for (const attempt of [1, 2, 3]) {
      outcomes.push(await attemptHandler(failing, delivery(attempt), policy, signal, deps));
    }
    expect(outcomes).toEqual([
      { kind: 'retry', attempts: 1, delayMs: 100, error: expect.any(TypeError) },
      { kind: 'retry', attempts: 2, delayMs: 200, error: expect.any(TypeError) },
      { kind: 'failed', attempts: 3, description: 'TypeError: boom', error: expect.any(TypeError) },
    ]);
  });

  it('gives up at once on a non-retriable IntelrouteError', async () => {
    const refuse: MessageHandler = async () => {
      throw new IntelrouteError('READER_HANDLER_REJECTED', 'HTTP 422');
    };
    expect(await attemptHandler(refuse, delivery(1), policy, signal, deps)).toMatchObject({
      kind: 'failed',
      attempts: 1,
      description: 'READER_HANDLER_REJECTED: HTTP 422',
    });
  });

  it('cuts a long description short', async () => {
    const long: MessageHandler = async () => {
      throw new Error('x'.repeat(2000));
    };
    const outcome = await attemptHandler(
      long,
      delivery(1),
      { ...policy, maxAttempts: 1 },
      signal,
      deps,
    );
    expect(outcome.kind === 'failed' && outcome.description.length).toBe(500);
  });
});

describe('RetryBook', () => {
  it('counts the attempts on the record a partition is stuck on, across reads', () => {
    const book = new RetryBook();
    expect(book.nextAttempt(record)).toBe(1);
    book.failed(record, 1);
    expect(book.nextAttempt(record)).toBe(2);
    expect(book.nextAttempt({ ...record, partition: 1 })).toBe(1);
    expect(book.nextAttempt({ ...record, offset: '8' })).toBe(1); // another record
    book.settled(record);
    expect(book.nextAttempt(record)).toBe(1);
    book.failed(record, 2);
    book.clear(); // a rebalance
    expect(book.nextAttempt(record)).toBe(1);
  });
});
