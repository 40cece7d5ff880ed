import type { Identity } from '../../identity/identity';
import type { AgencyGrant, GrantTable } from './grant-types';

/** An agency's grant as of `nowMs`. */
export type GrantLookup =
  | { readonly status: 'active'; readonly grant: AgencyGrant }
  | { readonly status: 'expired'; readonly grant: AgencyGrant }
  | { readonly status: 'none' };

/**
 * The grant the NCB of the agency's own country gave it (a grant from another NCB cannot exist:
 * loadGrants refuses it). Non-agency identities have none.
 */
export function lookupGrant(grants: GrantTable, identity: Identity, nowMs: number): GrantLookup {
  if (identity.role !== 'agency') return { status: 'none' };
  const ncb = grants.ncbs.find((entry) => entry.country === identity.country);
  const grant = ncb?.agencies.find((entry) => entry.agencyId === identity.agencyId);
  if (grant === undefined) return { status: 'none' };
  const expired = grant.expiresAtMs !== null && nowMs >= grant.expiresAtMs;
  return expired ? { status: 'expired', grant } : { status: 'active', grant };
}

/** Per grant table (a reload makes a new one): routing asks for every message. */
const copyCountriesByTable = new WeakMap<GrantTable, ReadonlySet<string>>();

/** Countries whose NCB asked for a copy of what its agencies send (the router's input). */
export function ncbCopyCountries(grants: GrantTable): ReadonlySet<string> {
  let countries = copyCountriesByTable.get(grants);
  if (countries === undefined) {
    countries = new Set(grants.ncbs.filter((ncb) => ncb.copyAgencySends).map((ncb) => ncb.country));
    copyCountriesByTable.set(grants, countries);
  }
  return countries;
}
