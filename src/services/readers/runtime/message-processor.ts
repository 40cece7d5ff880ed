import type { StreamRecord } from '../../../kafka/stream-record';
import { messageIdentity } from '../../../contract/message-identity';
import type { Envelope } from '../../../contract/generated/intelroute/v1/envelope';
import { HEADERS, headerText, type OutboundRecord } from '../../../kafka/record-format';
import type { RecordLocation } from '../../../kafka/transactional-writer';
import type { ReaderOutcome } from '../../../telemetry/intelroute-metrics';
import type { Logger } from '../../../telemetry/logger';
import { readerProcessSpan } from '../../../telemetry/reader-spans';
import { ATTR } from '../../../telemetry/semantic-attributes';
import type { SpanScope } from '../../../telemetry/span-scope';
import type { ProcessedIds } from '../dedupe/processed-ids';
import { encodeProcessedMark } from '../dedupe/processed-record';
import { DEAD_LETTER_REASONS, encodeReaderDeadLetter } from './dead-letter';
import { decodeRecord, type DecodedRecord } from './decode-record';
import { attemptHandler, type AttemptPolicy } from './handler-attempts';
import { factsOf, type MessageFacts, type ReaderEvent } from './reader-events';
import type { MessageHandler } from './reader-types';
import type { RetryBook } from './retry-book';
import type { TraceContext } from '../../../telemetry/trace-context';

/** What processRecord needs, passed in by the runtime. */
export interface ProcessorDeps {
  readonly group: string;
  readonly instanceId: string;
  readonly processedTopic: string;
  readonly deadLetterTopic: string;
  readonly processedIds: Pick<ProcessedIds, 'seen' | 'handled' | 'claim'>;
  readonly retries: RetryBook;
  readonly handler: MessageHandler;
  readonly attempts: AttemptPolicy;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
}

/**
 * What one record leaves to commit with the partition's offset: the processed mark and the
 * DELIVERED audit event of a handled message, the dead letter and DEAD_LETTERED event of one
 * given up on, or nothing (a duplicate skipped).
 */
export interface CommitEntry {
  readonly records: readonly OutboundRecord[];
  readonly events: readonly ReaderEvent[];
  /** For the `intelroute.reader.messages.processed` counter, once committed. */
  readonly outcome: ReaderOutcome;
  /** Set for a handled message: remembered as processed once committed. */
  readonly processed?: { readonly identity: string; readonly atMs: number };
  /** The record's `process` span, ended once the commit is decided. */
  readonly span?: SpanScope;
}

/**
 * `done`: commit `entry` and move on. `retry`: the handler failed and is tried again after
 * `delayMs`; nothing of this record is committed, the partition waits (paused) at it.
 */
export type RecordResult =
  | { readonly kind: 'done'; readonly entry: CommitEntry }
  | { readonly kind: 'retry'; readonly delayMs: number };

/**
 * processRecord inside the record's `process <topic>` span (a child of the producer span whose
 * context the `traceparent` header carries). The span ends at once for a retry, else with the
 * commit (PendingCommit).
 */
export async function processRecordTraced(
  deps: ProcessorDeps,
  location: RecordLocation,
  message: StreamRecord,
  signal: AbortSignal,
): Promise<RecordResult> {
  const span = readerProcessSpan({
    headers: message.headers ?? {},
    ...location,
    group: deps.group,
    ...(message.key === null ? {} : { key: message.key.toString('utf8') }),
    message: {
      messageId: headerText(message.headers, HEADERS.messageId),
      messageType: headerText(message.headers, HEADERS.messageType),
      origin: headerText(message.headers, HEADERS.origin),
    },
  });
  try {
    const result = await processRecord(deps, location, message, signal, span);
    if (result.kind === 'done') return { kind: 'done', entry: { ...result.entry, span } };
    span.end();
    return result;
  } catch (error) {
    span.fail(error);
    span.end();
    throw error;
  }
}

/**
 * Takes one record from read to what must be committed: decode (or dead-letter), skip a
 * message id the group already processed, try the handler (attempt n of `maxAttempts`, counted
 * across reads of the record), and build the records and audit events of the outcome.
 * Committing is the caller's (PendingCommit), together with the partition's offset.
 */
export async function processRecord(
  deps: ProcessorDeps,
  location: RecordLocation,
  message: StreamRecord,
  signal: AbortSignal,
  span?: SpanScope,
): Promise<RecordResult> {
  const decoded = decodeRecord(message);
  if (!decoded.ok) {
    deps.logger.error(
      { ...location, why: decoded.description },
      'undecodable record dead-lettered',
    );
    const failure = {
      reason: DEAD_LETTER_REASONS.undecodable,
      description: decoded.description,
      attempts: 0,
    };
    span?.setAttribute(ATTR.errorType, DEAD_LETTER_REASONS.undecodable);
    return done(deadLetterEntry(deps, location, undefined, decoded.headers, failure));
  }
  // Origin and id together: another sender's message under the same id is not a copy.
  const identity = messageIdentity(decoded.envelope);
  const release = await deps.processedIds.claim(identity);
  try {
    if (deps.processedIds.seen(identity)) {
      deps.logger.debug(
        { ...location, messageId: decoded.envelope.messageId, traceId: decoded.trace.traceId },
        'duplicate skipped',
      );
      return done({ records: [], events: [], outcome: 'duplicate' });
    }
    return await handle(deps, location, decoded, signal, span);
  } finally {
    release();
  }
}

async function handle(
  deps: ProcessorDeps,
  location: RecordLocation,
  decoded: Extract<DecodedRecord, { ok: true }>,
  signal: AbortSignal,
  span: SpanScope | undefined,
): Promise<RecordResult> {
  const { envelope, headers } = decoded;
  const trace = spanTrace(decoded.trace, span);
  const attempt = deps.retries.nextAttempt(location);
  const delivery = { envelope, record: location, headers, trace, attempt };
  span?.setAttribute('intelroute.attempt', attempt);
  const tried = await attemptHandler(deps.handler, delivery, deps.attempts, signal, {
    ...deps,
    ...(span === undefined ? {} : { span }),
  });
  if (tried.kind !== 'handled') span?.fail(tried.error);
  if (tried.kind === 'retry') {
    deps.retries.failed(location, tried.attempts);
    return { kind: 'retry', delayMs: tried.delayMs };
  }
  deps.retries.settled(location);
  const facts = factsOf(envelope, trace.traceId);
  if (tried.kind === 'failed') return done(gaveUp(deps, location, decoded, facts, tried));
  const identity = messageIdentity(envelope);
  deps.processedIds.handled(identity);
  return done(handledEntry(deps, location, facts, identity));
}

/** The dead letter of a message whose handler gave up. */
function gaveUp(
  deps: ProcessorDeps,
  location: RecordLocation,
  decoded: Extract<DecodedRecord, { ok: true }>,
  facts: MessageFacts,
  tried: { readonly attempts: number; readonly description: string },
): CommitEntry {
  const { attempts, description } = tried;
  deps.logger.error(
    { ...location, messageId: facts.messageId, traceId: facts.traceId, attempts, why: description },
    'handler gave up; message dead-lettered',
  );
  const failure = { reason: DEAD_LETTER_REASONS.handlerFailed, description, attempts, facts };
  return deadLetterEntry(deps, location, decoded.envelope, decoded.headers, failure);
}

function handledEntry(
  deps: ProcessorDeps,
  location: RecordLocation,
  facts: MessageFacts,
  identity: string,
): CommitEntry {
  const atMs = deps.now();
  const mark = encodeProcessedMark(deps.processedTopic, {
    group: deps.group,
    identity,
    messageId: facts.messageId,
    processedAtMs: atMs,
    source: location,
    instanceId: deps.instanceId,
  });
  return {
    records: [mark],
    events: [readerEvent(deps, 'delivered', location, facts, atMs)],
    outcome: 'delivered',
    processed: { identity, atMs },
  };
}

interface Failure {
  readonly reason: string;
  readonly description: string;
  readonly attempts: number;
  readonly facts?: MessageFacts;
}

function deadLetterEntry(
  deps: ProcessorDeps,
  location: RecordLocation,
  envelope: Envelope | undefined,
  headers: Readonly<Record<string, string>>,
  failure: Failure,
): CommitEntry {
  const atMs = deps.now();
  const record = encodeReaderDeadLetter(deps.deadLetterTopic, {
    facts: failure.facts,
    messageType: envelope?.messageType ?? headers[HEADERS.messageType] ?? '',
    schemaVersion: envelope?.schemaVersion ?? 0,
    reason: failure.reason,
    description: failure.description,
    source: location,
    attempts: failure.attempts,
    reader: deps.group,
    instanceId: deps.instanceId,
    at: new Date(atMs),
  });
  const event = readerEvent(deps, 'dead-lettered', location, failure.facts, atMs, failure);
  return { records: [record], events: [event], outcome: 'dead-lettered' };
}

function readerEvent(
  deps: ProcessorDeps,
  kind: ReaderEvent['kind'],
  source: RecordLocation,
  facts: MessageFacts | undefined,
  atMs: number,
  failure?: Failure,
): ReaderEvent {
  return {
    kind,
    at: new Date(atMs),
    facts,
    source,
    reader: deps.group,
    identity: deps.instanceId,
    ...(failure === undefined ? {} : { reason: failure.reason, description: failure.description }),
  };
}

/**
 * The handler's trace: the span's ids when it continues the record's trace (so the handler's
 * own work hangs under it), else the decoded trace (the receipt's trace id, as audited).
 */
function spanTrace(decoded: TraceContext, span: SpanScope | undefined): TraceContext {
  if (span === undefined || span.traceIds.traceId !== decoded.traceId) return decoded;
  return { ...decoded, spanId: span.traceIds.spanId, sampled: span.traceIds.sampled };
}

function done(entry: CommitEntry): RecordResult {
  return { kind: 'done', entry };
}
