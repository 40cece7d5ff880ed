/**
 * The read side: the consumer runtime every reader runs on, the reference readers' sinks, the
 * contact-point directory and the subscription core behind gRPC Subscribe.
 */
export { backoffDelayMs, type BackoffPolicy } from '../../core/backoff';
export { DedupeWindow } from './dedupe/dedupe-window';
export { ProcessedIds, type ProcessedIdsOptions } from './dedupe/processed-ids';
export {
  encodeProcessedMark,
  parseProcessedMark,
  processedKey,
  type ProcessedMark,
} from './dedupe/processed-record';
export * from './directory';
export {
  readerStream,
  streamTopics,
  subscriberGroup,
  type ReaderStream,
  type StreamSelector,
} from './reader-streams';
export { ReaderRuntime, type ReaderRuntimeOptions } from './runtime/reader-runtime';
export { readerInstanceId, readerSettings, type ReaderSettings } from './runtime/reader-settings';
export type { MessageHandler, ReaderDelivery, ReaderState } from './runtime/reader-types';
export type { MessageFacts, ReaderEvent } from './runtime/reader-events';
export { FileSink, type FileSinkOptions } from './sinks/file-sink';
export { jsonLine, messageDocument, type MessageDocument } from './sinks/message-document';
export { sinkHandler, type Sink } from './sinks/sink';
export { StreamSink } from './sinks/stdout-sink';
export { WebhookSink, type WebhookSinkOptions } from './sinks/webhook-sink';
export * from './subscription';
