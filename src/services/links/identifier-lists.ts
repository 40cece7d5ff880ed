/**
 * Readers for the schemas' identifier lists (`urls`, `domains`, `handles`, `emails`, `phones`,
 * `wallets`, `trackingNumbers`), which every selector-carrying message type shares under its
 * own parent (`/`, `/linkedIdentifiers`, `/identifiers`, `/identifiersFound`). Each item becomes
 * a selector or a rejection; nothing here throws, whatever the payload holds: a value of the
 * wrong JSON type is a `malformed` rejection, never an exception.
 */
import { normaliseDomain, registrableDomainOfHost } from './domain-normaliser';
import { emailParts } from './email-normaliser';
import { normaliseHandle } from './handle-normaliser';
import { normalisePhone } from './phone-normaliser';
import type { Normalised, RejectedSelector, Selector, SelectorKind } from './selector-types';
import { normaliseTrackingNumber } from './tracking-normaliser';
import { normaliseWallet } from './wallet-normaliser';

/** Where extraction results accumulate (one per extraction call; never shared). */
export interface SelectorSink {
  readonly selectors: Selector[];
  readonly rejected: RejectedSelector[];
}

/** The names of the identifier lists in the v1 schemas. */
export type IdentifierList =
  'urls' | 'domains' | 'handles' | 'emails' | 'phones' | 'wallets' | 'trackingNumbers';

type ItemReader = (item: unknown, field: string, sink: SelectorSink) => void;

const LIST_KIND: Readonly<Record<IdentifierList, SelectorKind>> = {
  urls: 'domain',
  domains: 'domain',
  handles: 'handle',
  emails: 'email',
  phones: 'phone',
  wallets: 'wallet',
  trackingNumbers: 'tracking-number',
};

const READERS: Readonly<Record<IdentifierList, ItemReader>> = {
  urls: (item, field, sink) => readString(item, field, 'domain', normaliseDomain, sink),
  domains: (item, field, sink) => readString(item, field, 'domain', normaliseDomain, sink),
  emails: readEmail,
  phones: (item, field, sink) => readString(item, field, 'phone', (t) => normalisePhone(t), sink),
  handles: (item, field, sink) =>
    readObject(item, field, 'handle', ['platform', 'handle'], normaliseHandle, sink),
  wallets: (item, field, sink) =>
    readObject(item, field, 'wallet', ['chain', 'address'], normaliseWallet, sink),
  trackingNumbers: readTracking,
};

/** Reads the named lists of the object `parent` found at JSON pointer `base`. */
export function readIdentifierLists(
  parent: unknown,
  base: string,
  lists: readonly IdentifierList[],
  sink: SelectorSink,
): void {
  if (!isRecord(parent)) return;
  for (const list of lists) {
    const items = parent[list];
    if (items === undefined) continue;
    const field = `${base}/${list}`;
    if (!Array.isArray(items)) {
      sink.rejected.push({ kind: LIST_KIND[list], field, reason: 'malformed' });
      continue;
    }
    items.forEach((item: unknown, index) => READERS[list](item, `${field}/${index}`, sink));
  }
}

/**
 * Reads one `trackingNumber` object (`{ number, carrier? }`) at `field`; the selector's field
 * is its `number`.
 */
export function readTracking(item: unknown, field: string, sink: SelectorSink): void {
  const carrier = isRecord(item) ? item.carrier : undefined;
  if (carrier !== undefined && typeof carrier !== 'string') {
    sink.rejected.push({ kind: 'tracking-number', field: `${field}/carrier`, reason: 'malformed' });
    return;
  }
  const read = (number: string): Normalised => normaliseTrackingNumber(number, carrier);
  readObject(item, field, 'tracking-number', ['number'], read, sink);
}

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readString(
  item: unknown,
  field: string,
  kind: SelectorKind,
  normalise: (text: string) => Normalised,
  sink: SelectorSink,
): void {
  if (typeof item !== 'string') {
    sink.rejected.push({ kind, field, reason: 'malformed' });
    return;
  }
  record(sink, kind, field, normalise(item));
}

/**
 * Reads an object item whose string members `names` are passed to `normalise` in order; the
 * selector's field is the last member (`/handles/0/handle`, `/wallets/0/address`).
 */
function readObject(
  item: unknown,
  field: string,
  kind: SelectorKind,
  names: readonly [string, ...string[]],
  normalise: (...values: string[]) => Normalised,
  sink: SelectorSink,
): void {
  const target = `${field}/${names[names.length - 1] ?? ''}`;
  const values = names.map((name) => (isRecord(item) ? item[name] : undefined));
  if (!values.every((value): value is string => typeof value === 'string')) {
    sink.rejected.push({ kind, field: target, reason: 'malformed' });
    return;
  }
  record(sink, kind, target, normalise(...values));
}

/**
 * An e-mail address is an `email` selector, and its registrable domain a `domain` selector at
 * the same field unless that domain is refused (a shared free-mail domain above all): those
 * refusals are expected and not reported, since the address itself was usable.
 */
function readEmail(item: unknown, field: string, sink: SelectorSink): void {
  const parts = typeof item === 'string' ? emailParts(item) : undefined;
  if (parts === undefined) {
    const reason = typeof item === 'string' ? 'invalid-email' : 'malformed';
    sink.rejected.push({ kind: 'email', field, reason });
    return;
  }
  sink.selectors.push({ kind: 'email', value: `${parts.local}@${parts.domain}`, field });
  const domain = registrableDomainOfHost(parts.domain);
  if (domain.ok) sink.selectors.push({ kind: 'domain', value: domain.value, field });
}

function record(sink: SelectorSink, kind: SelectorKind, field: string, result: Normalised): void {
  if (result.ok) sink.selectors.push({ kind, value: result.value, field });
  else sink.rejected.push({ kind, field, reason: result.reason });
}
