import { SpanKind } from '@opentelemetry/api';
import { extractTraceContext, type KafkaHeaders } from './kafka-headers-carrier';
import { messageAttributes, offsetValue, type MessageSpanFacts } from './message-attributes';
import { safely } from './never-throw';
import { ATTR, clip } from './semantic-attributes';
import { inertScope, startScope, type SpanScope } from './span-scope';

/** One record a reader is about to process. */
export interface ProcessSpanInput {
  /** The record's headers as read (kafkajs `IHeaders` or decoded text): the parent comes from here. */
  readonly headers: KafkaHeaders;
  readonly topic: string;
  readonly partition: number;
  /** Kafka's 64-bit offset as decimal text (kafkajs `message.offset`). */
  readonly offset: string;
  /** The consumer group (`messaging.consumer.group.name`). */
  readonly group: string;
  /** The record key as text, when it has one. */
  readonly key?: string;
  /** What is known of the message (from the headers before decoding, or the envelope after). */
  readonly message?: MessageSpanFacts;
}

/**
 * A reader's span for one record: `process <topic>`, SpanKind.CONSUMER, child of the producer
 * span whose context the record's `traceparent` header carries (so the gateway's trace continues
 * here). Run the handler inside `scope.run(...)`, `fail(error)` when it gives up, `end()` once
 * the offset is committed (or the message dead-lettered).
 */
export function readerProcessSpan(input: ProcessSpanInput): SpanScope {
  return safely(
    'starting the process span',
    () =>
      startScope(
        `process ${clip(input.topic)}`,
        () => ({
          kind: SpanKind.CONSUMER,
          attributes: {
            [ATTR.messagingSystem]: 'kafka',
            [ATTR.messagingOperationType]: 'process',
            [ATTR.messagingOperationName]: 'process',
            [ATTR.messagingDestinationName]: clip(input.topic),
            [ATTR.messagingDestinationPartitionId]: String(input.partition),
            [ATTR.messagingKafkaOffset]: offsetValue(input.offset),
            [ATTR.messagingConsumerGroupName]: clip(input.group),
            ...(input.key === undefined
              ? {}
              : { [ATTR.messagingKafkaMessageKey]: clip(input.key) }),
            ...messageAttributes(input.message),
          },
        }),
        extractTraceContext(input.headers),
      ),
    () => inertScope(),
  );
}
