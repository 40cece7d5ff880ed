import type { MessageHandler, ReaderDelivery } from '../runtime/reader-types';

/** Where a reference reader puts messages: stdout, a JSON Lines file, a webhook. */
export interface Sink {
  /** For logs: "stdout", "file:/path", "webhook:https://host/path". */
  readonly description: string;
  /** Prepares the sink (opens the file, ...). @throws IntelrouteError READER_OPTIONS_INVALID */
  open(): Promise<void>;
  /** Writes one message; resolves once it is durable where the sink can tell. */
  deliver(delivery: ReaderDelivery, signal: AbortSignal): Promise<void>;
  /** Flushes and releases what the sink holds. Idempotent. */
  close(): Promise<void>;
}

/** The runtime's handler for a sink. */
export function sinkHandler(sink: Sink): MessageHandler {
  return (delivery, signal) => sink.deliver(delivery, signal);
}
