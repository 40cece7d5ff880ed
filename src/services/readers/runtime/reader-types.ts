import type { LifecycleState } from '../../../core/lifecycle';
import type { Envelope } from '../../../contract/generated/intelroute/v1/envelope';
import type { RecordLocation } from '../../../kafka/transactional-writer';
import type { TraceContext } from '../../../telemetry/trace-context';

/** One message handed to a reader's handler. */
export interface ReaderDelivery {
  readonly envelope: Envelope;
  /** Where it was read (topic name as in Kafka, prefix included). */
  readonly record: RecordLocation;
  /** The record's headers as text (message-id, origin, sender, traceparent, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** The handler's span: a child of the message's trace context (from `traceparent`). */
  readonly trace: TraceContext;
  /** 1 for the first try of this message in this process, 2 for the first retry, ... */
  readonly attempt: number;
}

/**
 * A reader's work for one message. Resolving means "done": the runtime then commits the offset,
 * the processed mark and the DELIVERED audit record in one transaction. Throwing means "try
 * again" (with backoff, up to `maxAttempts`), except an IntelrouteError whose `retriable` is
 * false (e.g. READER_HANDLER_REJECTED), which parks the message in the dead-letter topic at once.
 * `signal` aborts when the reader stops; a handler may use it to give up early (the message is
 * then read again on the next start), or ignore it to finish the message in hand.
 * A crash between the handler's side effect and the commit replays the message to the handler:
 * make side effects idempotent by message id where the sink allows it.
 */
export type MessageHandler = (delivery: ReaderDelivery, signal: AbortSignal) => Promise<void>;

/** Lifecycle of a reader (and of a subscription): the one lifecycle vocabulary. */
export type ReaderState = LifecycleState;
