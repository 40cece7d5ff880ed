import { createHash } from 'node:crypto';
import { isMessageType } from '../contract/message-types';
import type { Envelope } from '../contract/generated/intelroute/v1/envelope';
import { formatOrigin } from '../contract/message-identity';
import { UUID } from '../core/validation/envelope-formats';

/**
 * Longest client-supplied text repeated as it is (in a refusal, a dead letter, an audit record,
 * a log line). Anything longer, or holding control characters, is echoed in its short form.
 */
export const MAX_ECHO_CHARS = 100;

/** Characters of a long value kept at the front of its short form. */
const ECHO_HEAD_CHARS = 32;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * A client string as intelroute may repeat it: the value itself when it is short and printable,
 * else `<first 32 characters, control characters as U+FFFD>…[<length> chars, sha256:<16 hex>]`
 * (at most about 90 characters). The hash is of the full UTF-8 text, so a sender can still tell
 * which of its messages a refusal is about. Lone surrogates become U+FFFD, so the echo is valid
 * UTF-8 for every reader.
 */
export function echoText(value: string): string {
  if (value.length <= MAX_ECHO_CHARS && !CONTROL.test(value) && value.isWellFormed()) return value;
  const head = [...value.slice(0, ECHO_HEAD_CHARS).toWellFormed()]
    .map((char) => (CONTROL.test(char) ? '\ufffd' : char))
    .join('');
  const digest = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
  return `${head}…[${value.length} chars, sha256:${digest}]`;
}

/** What a refusal, dead letter, audit record or log line may say of an envelope's identifiers. */
export interface EnvelopeEcho {
  /** The message id when it is a canonical UUID, else its short form (echoText). */
  readonly messageId: string;
  /** A v1 message type, or the short form of whatever was sent. */
  readonly messageType: string;
  /** The formatted origin ("ncb:FR"), short form when a sender filled it with junk. */
  readonly origin: string;
}

/** The bounded echo of `envelope`'s identifiers (missing ones are empty strings). */
export function envelopeEcho(envelope: Envelope | undefined): EnvelopeEcho {
  const messageId = envelope?.messageId ?? '';
  const messageType = envelope?.messageType ?? '';
  return {
    messageId: UUID.test(messageId) ? messageId : echoText(messageId),
    messageType: isMessageType(messageType) ? messageType : echoText(messageType),
    origin: echoText(formatOrigin(envelope?.origin)),
  };
}
