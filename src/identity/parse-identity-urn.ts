import { IntelrouteError } from '../core/errors';
import type { Identity, Role } from './identity';

/** Every identity URN starts with this; the rest is `<role>[:<part>…]`. */
export const IDENTITY_URN_PREFIX = 'urn:intelroute:';

/**
 * Longest URN any valid identity can have (agency: prefix, role, country, a 63-character id,
 * separators). Longer input is refused before it is split, so a hostile SAN value costs nothing.
 */
export const IDENTITY_URN_MAX_LENGTH = IDENTITY_URN_PREFIX.length + 'agency:CC:'.length + 63;

/** ISO 3166-1 alpha-2 shape. Membership of a real country is the gateway's check (config). */
const COUNTRY_CODE = /^[A-Z]{2}$/;

/** Agency ids, Secretariat services, operator names and system components. */
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Why a text was refused, in `details.reason` of the IDENTITY_INVALID error: stable values
 * tests and logs can match on (the message is for humans).
 */
export type IdentityUrnProblem =
  'NOT_A_STRING' | 'TOO_LONG' | 'PREFIX' | 'ROLE' | 'PART_COUNT' | 'COUNTRY' | 'NAME';

/** How many `:`-separated parts follow each role, and what they are called in messages. */
const ROLE_PARTS: Readonly<Record<Role, readonly string[]>> = {
  ncb: ['country'],
  agency: ['country', 'agency id'],
  secretariat: ['service'],
  wg: ['country'],
  ops: ['name'],
  system: ['component'],
};

/**
 * Parses an identity URN (see identity.ts for the forms). Strict and case-sensitive: the prefix
 * and role are lower case, countries are two upper-case letters, names match
 * `^[a-z0-9][a-z0-9-]{0,62}$`; nothing else (no spaces, no empty parts, no trailing colon).
 * The returned identity's `urn` is the input, which is then also `formatIdentityUrn(result)`.
 * @throws IntelrouteError IDENTITY_INVALID with `details.reason` (an IdentityUrnProblem)
 */
export function parseIdentityUrn(urn: string): Identity {
  if (typeof urn !== 'string') {
    throw invalid('NOT_A_STRING', `identity URN must be a string, got ${typeof urn}`, '');
  }
  if (urn.length > IDENTITY_URN_MAX_LENGTH) {
    throw invalid(
      'TOO_LONG',
      `identity URN is ${urn.length} characters long, at most ${IDENTITY_URN_MAX_LENGTH} allowed`,
      urn,
    );
  }
  if (!urn.startsWith(IDENTITY_URN_PREFIX)) {
    throw invalid(
      'PREFIX',
      `identity URN ${quote(urn)} does not start with "${IDENTITY_URN_PREFIX}"`,
      urn,
    );
  }
  const [role, ...parts] = urn.slice(IDENTITY_URN_PREFIX.length).split(':');
  if (role === undefined || !isRole(role)) {
    throw invalid(
      'ROLE',
      `identity URN ${quote(urn)} has unknown role ${quote(role ?? '')} (expected one of ${Object.keys(ROLE_PARTS).join(', ')})`,
      urn,
    );
  }
  return buildIdentity(role, parts, urn);
}

/**
 * The URN of an identity: the inverse of parseIdentityUrn. Reads the role's fields only (the
 * identity's own `urn` field is not trusted) and validates them as parseIdentityUrn would.
 * @throws IntelrouteError IDENTITY_INVALID when a field is not valid for its role
 */
export function formatIdentityUrn(identity: Identity): string {
  // Guards JavaScript callers and deserialized values the type system never saw.
  if (!isRole(identity.role)) {
    throw invalid('ROLE', `identity has unknown role ${quote(String(identity.role))}`, '');
  }
  const urn = [IDENTITY_URN_PREFIX + identity.role, ...identityParts(identity)].join(':');
  // Parsing what we built validates every field with the same rules and messages; a field
  // holding a ':' fails too, since it changes the part count.
  parseIdentityUrn(urn);
  return urn;
}

function identityParts(identity: Identity): string[] {
  switch (identity.role) {
    case 'ncb':
    case 'wg':
      return [identity.country];
    case 'agency':
      return [identity.country, identity.agencyId];
    case 'secretariat':
      return identity.service === null ? [] : [identity.service];
    case 'ops':
      return [identity.name];
    case 'system':
      return [identity.component];
  }
}

function buildIdentity(role: Role, parts: readonly string[], urn: string): Identity {
  const expected = ROLE_PARTS[role];
  // The Secretariat alone may omit its only part (the whole Secretariat, no single service).
  const optional = role === 'secretariat' ? 1 : 0;
  if (parts.length > expected.length || parts.length < expected.length - optional) {
    const wanted = expected.map((name) => `<${name}>`).join(':');
    throw invalid(
      'PART_COUNT',
      `identity URN ${quote(urn)} has ${parts.length} part(s) after role "${role}", expected ${optional ? `none or ${wanted}` : wanted}`,
      urn,
    );
  }
  const [first = '', second = ''] = parts;
  switch (role) {
    case 'ncb':
      return { role, country: country(first, urn), urn };
    case 'wg':
      return { role, country: country(first, urn), urn };
    case 'agency':
      return { role, country: country(first, urn), agencyId: name('agency id', second, urn), urn };
    case 'secretariat':
      return { role, service: parts.length === 0 ? null : name('service', first, urn), urn };
    case 'ops':
      return { role, name: name('name', first, urn), urn };
    case 'system':
      return { role, component: name('component', first, urn), urn };
  }
}

function country(value: string, urn: string): string {
  if (!COUNTRY_CODE.test(value)) {
    throw invalid(
      'COUNTRY',
      `identity URN ${quote(urn)} has country ${quote(value)}, expected an ISO 3166-1 alpha-2 code in upper case (e.g. "FR")`,
      urn,
    );
  }
  return value;
}

function name(label: string, value: string, urn: string): string {
  if (!NAME.test(value)) {
    throw invalid(
      'NAME',
      `identity URN ${quote(urn)} has ${label} ${quote(value)}, expected 1-63 characters of a-z, 0-9 and "-", not starting with "-"`,
      urn,
    );
  }
  return value;
}

function isRole(value: string): value is Role {
  return Object.prototype.hasOwnProperty.call(ROLE_PARTS, value);
}

/** JSON quoting shows spaces, control characters and quotes unambiguously; long input is cut. */
function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}

function invalid(reason: IdentityUrnProblem, message: string, urn: string): IntelrouteError {
  return new IntelrouteError('IDENTITY_INVALID', message, {
    details: { reason, urn: urn.slice(0, IDENTITY_URN_MAX_LENGTH) },
  });
}
