import type { MessageType } from '../../contract/message-types';

/**
 * What the NCB of `country` lets one of its national agencies do. An agency with no grant (or
 * an expired one) may neither publish nor read.
 */
export interface AgencyGrant {
  /** `urn:intelroute:agency:<CC>:<agency-id>`, as in the agency's certificate. */
  readonly urn: string;
  readonly country: string;
  readonly agencyId: string;
  /** Message types it may publish (also bounded by the publish policy's `agency` list). */
  readonly publish: readonly MessageType[];
  /** Streams it may open (only its country's inbox, with broadcasts) and the types it is shown. */
  readonly read: {
    readonly streams: readonly 'country-inbox'[];
    readonly messageTypes: readonly MessageType[];
  };
  /** RFC 3339 text as configured, or null for no expiry. */
  readonly expiresAt: string | null;
  /** The same instant in epoch milliseconds; the grant is active while `nowMs < expiresAtMs`. */
  readonly expiresAtMs: number | null;
}

/** One NCB's delegations. */
export interface NcbGrants {
  readonly country: string;
  /** The NCB wants a copy (in its inbox) of every message its agencies send. */
  readonly copyAgencySends: boolean;
  readonly agencies: readonly AgencyGrant[];
}

/** Every NCB's delegations, validated and deep-frozen (see loadGrants). */
export interface GrantTable {
  readonly version: 1;
  /** Sorted by country; agencies sorted by id. */
  readonly ncbs: readonly NcbGrants[];
}
