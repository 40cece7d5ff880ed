import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { MessageType } from '../../contract/message-types';
import { asRecord, deepFreeze, parseValidatedDocument } from '../routing/validated-document';
import { AGENCY_URN_PATTERN, GRANTS_SCHEMA } from './grant-schema';
import type { AgencyGrant, GrantTable, NcbGrants } from './grant-types';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv, ['date-time']);
const validateGrants = ajv.compile(GRANTS_SCHEMA);
const AGENCY_URN = new RegExp(AGENCY_URN_PATTERN);

/** Options of loadGrants. */
export interface LoadGrantsOptions {
  /** When given, an NCB entry for a country outside this set is a problem. */
  readonly memberCountries?: ReadonlySet<string>;
}

interface RawAgency {
  readonly agency: string;
  readonly publish: readonly MessageType[];
  readonly read?: AgencyGrant['read'];
  readonly expiresAt?: string;
}

interface RawNcb {
  readonly country: string;
  readonly copyAgencySends?: boolean;
  readonly agencies?: readonly RawAgency[];
}

/**
 * Parses and validates the delegated-access grants (YAML or JSON, see
 * config/grants.example.yaml). Expiry is not evaluated here (no clock in the core): pass `nowMs`
 * to the checks that use a grant.
 * @returns the grant table, sorted and deep-frozen.
 * @throws IntelrouteError GRANTS_INVALID listing every problem.
 */
export function loadGrants(text: string, options: LoadGrantsOptions = {}): GrantTable {
  const raw = parseValidatedDocument(text, {
    label: 'grants',
    errorCode: 'GRANTS_INVALID',
    validate: validateGrants,
    check: (value) => checkGrants(value, options.memberCountries),
  }) as { readonly ncbs: readonly RawNcb[] };
  const ncbs = raw.ncbs.map(toNcbGrants).sort((a, b) => a.country.localeCompare(b.country));
  return deepFreeze({ version: 1, ncbs });
}

/** A grant table that delegates nothing. */
export const EMPTY_GRANTS: GrantTable = deepFreeze({ version: 1, ncbs: [] });

function toNcbGrants(ncb: RawNcb): NcbGrants {
  const agencies = (ncb.agencies ?? []).map(toAgencyGrant);
  agencies.sort((a, b) => a.agencyId.localeCompare(b.agencyId));
  return { country: ncb.country, copyAgencySends: ncb.copyAgencySends ?? false, agencies };
}

function toAgencyGrant(raw: RawAgency): AgencyGrant {
  const [, country = '', agencyId = ''] = AGENCY_URN.exec(raw.agency) ?? [];
  const expiresAt = raw.expiresAt ?? null;
  return {
    urn: raw.agency,
    country,
    agencyId,
    publish: [...raw.publish],
    read: raw.read ?? { streams: [], messageTypes: [] },
    expiresAt,
    expiresAtMs: expiresAt === null ? null : Date.parse(expiresAt),
  };
}

/** Cross-field problems: repeated NCBs or agencies, and grants across borders. */
function checkGrants(value: unknown, members: ReadonlySet<string> | undefined): string[] {
  const ncbs = asRecord(value)?.ncbs;
  if (!Array.isArray(ncbs)) return [];
  const problems: string[] = [];
  const ncbAt = new Map<string, number>();
  const agencyAt = new Map<string, string>();
  ncbs.forEach((candidate: unknown, index) => {
    const ncb = asRecord(candidate);
    const country = ncb?.country;
    if (ncb === undefined || typeof country !== 'string') return;
    const earlier = ncbAt.get(country);
    if (earlier !== undefined)
      problems.push(`/ncbs/${index}: ${country} is already /ncbs/${earlier}`);
    else ncbAt.set(country, index);
    if (members !== undefined && !members.has(country)) {
      problems.push(`/ncbs/${index}/country: ${country} is not a member country`);
    }
    problems.push(...checkAgencies(ncb.agencies, country, `/ncbs/${index}`, agencyAt));
  });
  return problems;
}

function checkAgencies(
  agencies: unknown,
  ncbCountry: string,
  where: string,
  agencyAt: Map<string, string>,
): string[] {
  if (!Array.isArray(agencies)) return [];
  const problems: string[] = [];
  agencies.forEach((candidate: unknown, index) => {
    const urn = asRecord(candidate)?.agency;
    const match = typeof urn === 'string' ? AGENCY_URN.exec(urn) : null;
    if (typeof urn !== 'string' || match === null) return;
    const at = `${where}/agencies/${index}/agency`;
    if (match[1] !== ncbCountry) {
      problems.push(`${at}: the NCB of ${ncbCountry} may only grant agencies of ${ncbCountry}`);
    }
    const earlier = agencyAt.get(urn);
    if (earlier !== undefined) problems.push(`${at}: ${urn} is already granted at ${earlier}`);
    else agencyAt.set(urn, at);
  });
  return problems;
}
