import { setTimeout as sleep } from 'node:timers/promises';
import {
  PublishRefusedError,
  type Envelope,
  type GatewayClient,
  type PublishAck,
} from '../../../src/client';
import { OriginKind } from '../../../src/contract/generated/intelroute/v1/envelope';
import { validEnvelope } from '../../helpers/envelopes';
import type { Ledger } from './ledger';

/** One message of a load: the envelope, and whether it goes to the stream the ledger reads. */
export interface LoadMessage {
  readonly envelope: Envelope;
  readonly towardsReader: boolean;
}

/**
 * An information-request from the NCB of `origin` to `destination` (the inbox a scenario reads,
 * or another one to check nothing leaks), keyed by `caseReference` when given.
 */
export function requestTo(origin: string, destination: string, caseReference = ''): Envelope {
  return validEnvelope('information-request', {
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: origin, agencyId: '' },
    destinations: [{ target: { $case: 'country', country: destination } }],
    caseReference,
  });
}

/** The gRPC code name of a failed send (CLIENT_CLOSED when the client gave up first). */
export function outcomeCode(error: unknown): string {
  if (error instanceof PublishRefusedError) return error.refusal.codeName;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** Time from a send to its final outcome. */
export interface Timing {
  readonly id: string;
  readonly elapsedMs: number;
  /** `OK`, or the refusal's gRPC code name. */
  readonly code: string;
  /** The deadline the outcome had to arrive within (ms after the send). */
  readonly deadlineMs: number;
}

/** What a load saw beyond the ledger. */
export interface LoadResult {
  /** Acks by message id (towards the reader or not). */
  readonly acks: ReadonlyMap<string, PublishAck>;
  /** Acks answered from the gateway's idempotency memory (`duplicate: true`). */
  readonly duplicateAcks: number;
  /** Ids sent to other streams than the reader's, and their acks. */
  readonly otherIds: ReadonlySet<string>;
  readonly timings: readonly Timing[];
}

/** Collects results of concurrent loads. */
export class LoadBook {
  readonly acks = new Map<string, PublishAck>();
  readonly otherIds = new Set<string>();
  readonly timings: Timing[] = [];
  /** Ids last refused with an answer admitting the write may have happened (unknown outcome). */
  readonly unknownOutcome = new Set<string>();
  duplicateAcks = 0;

  constructor(readonly ledger: Ledger) {}

  sending(message: LoadMessage): void {
    if (message.towardsReader) this.ledger.sent(message.envelope.messageId);
    else this.otherIds.add(message.envelope.messageId);
  }

  settled(message: LoadMessage, outcome: PublishAck | Error, timing?: Omit<Timing, 'code'>): void {
    const id = message.envelope.messageId;
    const code = outcome instanceof Error ? outcomeCode(outcome) : 'OK';
    if (timing !== undefined) this.timings.push({ ...timing, code });
    if (outcome instanceof Error) {
      if (admitsUnknownOutcome(outcome)) this.unknownOutcome.add(id);
      else this.unknownOutcome.delete(id);
      if (message.towardsReader) this.ledger.refused(id, code);
      return;
    }
    if (outcome.duplicate) this.duplicateAcks += 1;
    this.acks.set(id, outcome);
    if (message.towardsReader) this.ledger.acked(id);
  }

  result(): LoadResult {
    return {
      acks: this.acks,
      duplicateAcks: this.duplicateAcks,
      otherIds: this.otherIds,
      timings: this.timings,
    };
  }

  /**
   * Ambiguous ids (read although refused) whose refusal said nothing was written: a refusal
   * that claims so must be true.
   */
  contradictedRefusals(): string[] {
    return this.ledger.ambiguousIds().filter((id) => !this.unknownOutcome.has(id));
  }

  /** Timings whose outcome came later than their deadline plus `marginMs`. */
  late(marginMs: number): Timing[] {
    return this.timings.filter((t) => t.elapsedMs > t.deadlineMs + marginMs);
  }
}

export interface StreamLoadOptions {
  readonly client: GatewayClient;
  readonly book: LoadBook;
  readonly count: number;
  readonly message: (index: number) => LoadMessage;
  readonly maxInFlight: number;
  /** No per-message deadline on a stream: the gateway's publishTimeoutMs, when results are timed. */
  readonly timedWithinMs?: number;
  /** Sending stops early once this returns true. */
  readonly stop?: () => boolean;
  /** After a refusal, wait this long before the next send (a client backing off). Default 0. */
  readonly failurePauseMs?: number;
}

/**
 * Sends `count` messages on one publish stream with backpressure and resolves once every send
 * settled (the stream's own retry and reconnect policies decide how patient it is).
 */
export async function runStreamLoad(options: StreamLoadOptions): Promise<void> {
  const { client, book } = options;
  const stream = client.openPublishStream({ maxInFlight: options.maxInFlight });
  const sends: Promise<void>[] = [];
  let failures = 0;
  let failuresSeen = 0;
  try {
    for (let i = 0; i < options.count && !(options.stop?.() ?? false); i++) {
      await stream.ready();
      if (failures > failuresSeen && options.failurePauseMs !== undefined) {
        failuresSeen = failures;
        await sleep(options.failurePauseMs);
      }
      const message = options.message(i);
      book.sending(message);
      const started = Date.now();
      const timing = (): Omit<Timing, 'code'> | undefined =>
        options.timedWithinMs === undefined
          ? undefined
          : {
              id: message.envelope.messageId,
              elapsedMs: Date.now() - started,
              deadlineMs: options.timedWithinMs,
            };
      sends.push(
        stream.send(message.envelope).then(
          (ack) => book.settled(message, ack, timing()),
          (error: unknown) => {
            failures += 1;
            book.settled(message, asError(error), timing());
          },
        ),
      );
    }
    await Promise.all(sends);
    await stream.end();
  } finally {
    stream.cancel();
  }
}

export interface UnaryLoadOptions {
  readonly client: GatewayClient;
  readonly book: LoadBook;
  /** Most calls in all (the loop's bound). */
  readonly count: number;
  readonly concurrency: number;
  readonly deadlineMs: number;
  /**
   * When the outcome must be in hand (default `deadlineMs`): set it below the call's deadline to
   * tell the gateway's own answer in time from the client giving up at its deadline.
   */
  readonly answerWithinMs?: number;
  readonly message: (index: number) => LoadMessage;
  readonly stop: () => boolean;
  /** Pause between calls of one worker (keeps the load from drowning the broker). */
  readonly pauseMs?: number;
  /** Pause after a refused call (a client backing off). Default: pauseMs. */
  readonly failurePauseMs?: number;
}

/**
 * Unary Publish calls without client retries, each with its own deadline, from `concurrency`
 * workers until `stop()` or `count` calls. Every outcome and how long it took is recorded.
 */
export async function runUnaryLoad(options: UnaryLoadOptions): Promise<void> {
  const { client, book } = options;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!options.stop() && next < options.count) {
      const message = options.message(next++);
      book.sending(message);
      const started = Date.now();
      const timing = (): Omit<Timing, 'code'> => ({
        id: message.envelope.messageId,
        elapsedMs: Date.now() - started,
        deadlineMs: options.answerWithinMs ?? options.deadlineMs,
      });
      let pauseMs = options.pauseMs ?? 0;
      try {
        const ack = await client.publish(message.envelope, {
          deadlineMs: options.deadlineMs,
          retry: false,
        });
        book.settled(message, ack, timing());
      } catch (error) {
        book.settled(message, asError(error), timing());
        pauseMs = options.failurePauseMs ?? pauseMs;
      }
      if (pauseMs > 0) await sleep(pauseMs);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

/**
 * True when a failure leaves the write's outcome unknown: the gateway said it "may or may not"
 * be stored (a commit not confirmed, its deadline passed), or no answer came at all (the
 * client's own deadline, a lost connection).
 */
function admitsUnknownOutcome(error: Error): boolean {
  if (!(error instanceof PublishRefusedError)) return true;
  const { refusal } = error;
  if (refusal.reason === '') return true; // not the gateway's answer: the call itself failed
  return /may or may not/.test(refusal.message);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
