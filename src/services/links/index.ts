/**
 * Selector extraction, normalisation and keyed hashing for cross-country link detection: the
 * pure core of the link detector (no I/O, no clock, no globals). `selectorKeys` is the entry
 * point; the normalisers are exported for look-ups and tests.
 */
export {
  selectorKeys,
  selectorKey,
  MIN_LINK_SECRET_BYTES,
  type SelectorKeyEntry,
  type SelectorKeyOptions,
  type SelectorKeysResult,
} from './selector-keys';
export { extractSelectors, type Extraction } from './extract-selectors';
export {
  SELECTOR_KINDS,
  type Normalised,
  type RejectedSelector,
  type RejectionReason,
  type Selector,
  type SelectorKind,
} from './selector-types';
export { normaliseDomain, registrableDomainOfHost } from './domain-normaliser';
export { normaliseEmail, SUBADDRESS_PROVIDERS } from './email-normaliser';
export { normalisePhone } from './phone-normaliser';
export { normaliseHandle, HANDLE_PLATFORMS } from './handle-normaliser';
export { normaliseTrackingNumber } from './tracking-normaliser';
export { normaliseWallet, WALLET_CHAINS, type WalletChain } from './wallet-normaliser';
export { SHARED_DOMAINS, DOCUMENTATION_SUFFIXES } from './shared-domains';
