import {
  Channel,
  OriginKind,
  Restriction,
  type Envelope,
} from '../../../contract/generated/intelroute/v1/envelope';
import { handlingCodeName } from '../../../core/routing/handling-flags';
import { selectorKeys } from '../selector-keys';
import type { SelectorKind } from '../selector-types';
import type { ObservedHandling, RestrictionName, SelectorObservation } from './observation-types';

/** The message types whose selectors the detector links: the reports. */
export const REPORT_TYPES = ['online-vendor-report', 'seizure-report'] as const;

/** Why a message gives no observation (counted in logs; never with payload content). */
export type NotObserved =
  | 'not-a-report'
  | 'no-country'
  | 'no-link-analysis'
  | 'invalid-handling'
  | 'payload-not-json'
  | 'no-selector';

const FLAG_NAMES: Readonly<Partial<Record<Restriction, RestrictionName>>> = {
  [Restriction.RESTRICTION_NO_WORKING_GROUP]: 'no-working-group',
  [Restriction.RESTRICTION_NO_SECRETARIAT_COPY]: 'no-secretariat-copy',
  [Restriction.RESTRICTION_NO_BROADCAST]: 'no-broadcast',
  [Restriction.RESTRICTION_NO_LINK_ANALYSIS]: 'no-link-analysis',
  [Restriction.RESTRICTION_NCB_ONLY]: 'ncb-only',
};

/**
 * The selector observations of one report, one per distinct selector key (with every payload
 * field it was read from), or why there are none. Pure: same envelope and secret, same result.
 * A report flagged NO_LINK_ANALYSIS gives none, whatever it holds; so does any message that is
 * not a report or that no country sent (the detector links countries' reports).
 * @throws IntelrouteError LINK_SECRET_INVALID for a secret shorter than 32 bytes.
 */
export function observationsOf(
  envelope: Envelope,
  secret: Uint8Array,
): { readonly observations: SelectorObservation[] } | { readonly skipped: NotObserved } {
  const type = envelope.messageType;
  if (type !== 'online-vendor-report' && type !== 'seizure-report') return skip('not-a-report');
  const country = reportingCountry(envelope);
  if (country === undefined) return skip('no-country');
  const handling = observedHandling(envelope);
  if (handling === undefined) return skip('invalid-handling');
  if (handling.flags.includes('no-link-analysis')) return skip('no-link-analysis');
  const payload = parseJson(envelope.payload);
  if (payload === undefined) return skip('payload-not-json');
  const byKey = new Map<string, { kind: SelectorKind; paths: string[] }>();
  for (const { key, kind, field } of selectorKeys(payload, type, { secret }).keys) {
    const entry = byKey.get(key) ?? { kind, paths: [] };
    if (!entry.paths.includes(field)) entry.paths.push(field);
    byKey.set(key, entry);
  }
  if (byKey.size === 0) return skip('no-selector');
  const common = {
    country,
    messageId: envelope.messageId,
    handling,
    ...addressees(envelope),
    observedAt: (envelope.receipt?.receivedAt ?? envelope.createdAt ?? new Date(0)).toISOString(),
  };
  const observations = [...byKey].map(([selectorKey, { kind, paths }]) => ({
    selectorKey,
    kind,
    paths,
    ...common,
  }));
  return { observations };
}

/** The country a report comes from: its NCB's or its agency's; none for other senders. */
export function reportingCountry(envelope: Envelope): string | undefined {
  const origin = envelope.origin;
  const national =
    origin?.kind === OriginKind.ORIGIN_KIND_NCB || origin?.kind === OriginKind.ORIGIN_KIND_AGENCY;
  return national && /^[A-Z]{2}$/.test(origin.country) ? origin.country : undefined;
}

/** The originator's instructions as the index keeps them; undefined when the code is invalid. */
export function observedHandling(envelope: Envelope): ObservedHandling | undefined {
  const handling = envelope.handling;
  const code = handling === undefined ? undefined : handlingCodeName(handling.code);
  if (handling === undefined || code === undefined) return undefined;
  const flags = [
    ...new Set(handling.restrictions.flatMap((flag) => FLAG_NAMES[flag] ?? [])),
  ].sort();
  return {
    code,
    restrictedTo: [...new Set(handling.restrictedTo)].sort(),
    flags,
    retentionDays: handling.retentionDays,
  };
}

function addressees(envelope: Envelope): { addressedTo: string[]; secretariatNamed: boolean } {
  const countries = new Set<string>();
  let secretariatNamed = false;
  for (const { target } of envelope.destinations) {
    if (target?.$case === 'country') countries.add(target.country);
    if (target?.$case === 'channel' && target.channel === Channel.CHANNEL_SECRETARIAT) {
      secretariatNamed = true;
    }
  }
  return { addressedTo: [...countries].sort(), secretariatNamed };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function skip(reason: NotObserved): { readonly skipped: NotObserved } {
  return { skipped: reason };
}
