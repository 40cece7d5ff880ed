import type { Attributes } from '@opentelemetry/api';
import { ATTR, clip } from './semantic-attributes';

/**
 * What a span may say about a message: identifiers and routing facts, never its payload. Every
 * field is optional so a span can be started before the envelope is decoded.
 */
export interface MessageSpanFacts {
  readonly messageId?: string;
  readonly messageType?: string;
  /** The formatted origin (`formatOrigin`): `ncb:FR`, `agency:FR:fr-customs`, `secretariat`. */
  readonly origin?: string;
  /** ISO 3166-1 alpha-2 country of the origin, when it has one. */
  readonly originCountry?: string;
}

/** The `intelroute.*` (and `messaging.message.id`) attributes of a message's facts. */
export function messageAttributes(facts: MessageSpanFacts | undefined): Attributes {
  if (facts === undefined) return {};
  const attributes: Attributes = {};
  if (nonEmpty(facts.messageId)) {
    attributes[ATTR.messageId] = clip(facts.messageId);
    attributes[ATTR.messagingMessageId] = clip(facts.messageId);
  }
  if (nonEmpty(facts.messageType)) attributes[ATTR.messageType] = clip(facts.messageType);
  if (nonEmpty(facts.origin)) attributes[ATTR.origin] = clip(facts.origin);
  if (nonEmpty(facts.originCountry)) attributes[ATTR.originCountry] = clip(facts.originCountry);
  return attributes;
}

function nonEmpty(text: string | undefined): text is string {
  return text !== undefined && text !== '';
}

/** Kafka offsets are 64-bit: a number while exact, else the decimal text. */
export function offsetValue(offset: string): number | string {
  const value = Number(offset);
  return Number.isSafeInteger(value) ? value : offset;
}
