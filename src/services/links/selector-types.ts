/**
 * The kinds of selector two reports can share. The same list as link-alert v1's `selectorKind`
 * enumeration: a link alert can only name a kind listed there, so there is no `ip` or `url` kind.
 */
export const SELECTOR_KINDS = [
  'domain',
  'email',
  'phone',
  'wallet',
  'handle',
  'tracking-number',
] as const;

/** One of the selector kinds. */
export type SelectorKind = (typeof SELECTOR_KINDS)[number];

/**
 * A selector named by a payload, normalised so that equivalent spellings have one `value`.
 * `field` is the JSON pointer (RFC 6901) to the payload string it was read from, e.g.
 * `/wallets/0/address`. Holds raw intelligence: never log it, never store it (store the key).
 */
export interface Selector {
  readonly kind: SelectorKind;
  readonly value: string;
  readonly field: string;
}

/**
 * Why a value named by a payload is not a selector. Stable codes: the later link detector may
 * count or audit them. They never carry the value itself.
 */
export type RejectionReason =
  /** The payload holds something other than the schema's shape there (not a string, no object). */
  | 'malformed'
  /** Not a URL or host name that can be parsed, or a URL scheme other than http(s). */
  | 'invalid-domain'
  /** The host is an IPv4 or IPv6 address: link-alert v1 has no `ip` selector kind. */
  | 'ip-address-host'
  /** A public suffix itself (`co.uk`), a single label, or a bare documentation domain. */
  | 'no-registrable-domain'
  /** A free-mail, platform or hosting domain shared by unrelated vendors (see shared-domains.ts). */
  | 'shared-domain'
  | 'invalid-email'
  /** libphonenumber-js cannot read it as a number, or its country calling code is unknown. */
  | 'invalid-phone'
  /** A number whose length no number of its country has. */
  | 'impossible-phone'
  | 'unknown-platform'
  | 'invalid-handle'
  | 'invalid-tracking-number'
  /** A UPU S10 tracking number whose check digit is wrong: a typo must not link two parcels. */
  | 'check-digit-mismatch'
  | 'unknown-chain'
  /** Characters, length or structure that no address of the chain has. */
  | 'invalid-address'
  /** The address's checksum fails: a typo must not link two vendors. */
  | 'checksum-mismatch'
  /** A well-formed address of another network (testnet, another coin's version byte or prefix). */
  | 'wrong-network';

/** A value a payload names that is not a selector, with the reason; never the value. */
export interface RejectedSelector {
  readonly kind: SelectorKind;
  readonly field: string;
  readonly reason: RejectionReason;
}

/** The outcome of one normaliser: the normalised value, or why there is none. */
export type Normalised =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: RejectionReason };

/** Shorthand constructors for `Normalised` results. */
export const accepted = (value: string): Normalised => ({ ok: true, value });
export const refused = (reason: RejectionReason): Normalised => ({ ok: false, reason });
