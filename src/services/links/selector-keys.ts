/**
 * Keyed selector hashes: the link index stores `HMAC-SHA-256(networkSecret, kind ‖ 0x00 ‖
 * value)` in lower-case hex, never a raw selector. Selectors are guessable (phone numbers can be
 * enumerated, domains listed), so a plain hash would be reversed by trying candidates; with a
 * keyed hash, whoever holds the index but not the network secret cannot confirm a guess. The kind is part of the input, so equal text of two kinds (a handle
 * and an e-mail that happen to match) never shares a key; the NUL separator cannot occur in a
 * kind, so the input splits one way only. Rotating the secret changes every key: the index must
 * then be rebuilt.
 */
import { createHmac } from 'node:crypto';
import type { MessageType } from '../../contract/message-types';
import { IntelrouteError } from '../../core/errors';
import { extractSelectors } from './extract-selectors';
import type { RejectedSelector, Selector, SelectorKind } from './selector-types';

/**
 * Shortest accepted network secret: 32 bytes (256 bits), SHA-256's output size; a shorter key
 * makes the secret, not the hash, the easiest thing to guess.
 */
export const MIN_LINK_SECRET_BYTES = 32;

/** Options of `selectorKeys`. */
export interface SelectorKeyOptions {
  /** The network-wide HMAC secret, at least MIN_LINK_SECRET_BYTES bytes (from configuration). */
  readonly secret: Uint8Array;
}

/** One selector of a payload, as the link index may hold it. */
export interface SelectorKeyEntry {
  readonly kind: SelectorKind;
  /** HMAC-SHA-256 of the normalised selector, 64 lower-case hex digits. */
  readonly key: string;
  /** JSON pointer of the payload field it was read from (link-alert `selectorPaths`). */
  readonly field: string;
}

/** What `selectorKeys` returns: keys only, no raw value anywhere. */
export interface SelectorKeysResult {
  readonly keys: readonly SelectorKeyEntry[];
  readonly rejected: readonly RejectedSelector[];
}

/**
 * The keyed hashes of every selector a parsed payload of `messageType` names, and the values
 * that are not selectors (with their reasons). Pure and deterministic for a given secret.
 * @throws IntelrouteError LINK_SECRET_INVALID when the secret is not bytes or is shorter than
 *   32 bytes (checked before the payload is read, whatever it holds).
 */
export function selectorKeys(
  payload: unknown,
  messageType: MessageType,
  options: SelectorKeyOptions,
): SelectorKeysResult {
  const secret = checkedSecret(options.secret);
  const { selectors, rejected } = extractSelectors(payload, messageType);
  const keys = selectors.map(({ kind, value, field }) => ({
    kind,
    key: hmacHex(secret, kind, value),
    field,
  }));
  return { keys, rejected };
}

/**
 * The key of one normalised selector (e.g. for an analyst's look-up of a value already
 * normalised with the normalisers of this folder).
 * @throws IntelrouteError LINK_SECRET_INVALID as selectorKeys does.
 */
export function selectorKey(
  selector: Pick<Selector, 'kind' | 'value'>,
  secret: Uint8Array,
): string {
  return hmacHex(checkedSecret(secret), selector.kind, selector.value);
}

function checkedSecret(secret: unknown): Uint8Array {
  if (secret instanceof Uint8Array && secret.length >= MIN_LINK_SECRET_BYTES) return secret;
  const actualBytes = secret instanceof Uint8Array ? secret.length : null;
  throw new IntelrouteError(
    'LINK_SECRET_INVALID',
    `the link secret must be at least ${MIN_LINK_SECRET_BYTES} bytes`,
    { details: { minBytes: MIN_LINK_SECRET_BYTES, actualBytes } },
  );
}

function hmacHex(secret: Uint8Array, kind: SelectorKind, value: string): string {
  return createHmac('sha256', secret).update(`${kind}\u0000${value}`, 'utf8').digest('hex');
}
