import type { AgencyGrant, GrantTable } from './grant-types';

/** What changed in an agency's scope. */
export type AgencyScopeField = 'publish' | 'read' | 'expiresAt';

/** One change between two grant tables; the gateway audits each on hot reload. */
export type GrantChange =
  | {
      readonly kind: 'ncb-copy-changed';
      readonly country: string;
      readonly before: boolean;
      readonly after: boolean;
    }
  | { readonly kind: 'agency-added'; readonly urn: string; readonly after: AgencyGrant }
  | { readonly kind: 'agency-removed'; readonly urn: string; readonly before: AgencyGrant }
  | {
      readonly kind: 'agency-changed';
      readonly urn: string;
      readonly fields: readonly AgencyScopeField[];
      readonly before: AgencyGrant;
      readonly after: AgencyGrant;
    };

/**
 * Every change from `before` to `after`, ordered by country, then copy setting before agencies,
 * then agency URN. An NCB absent from a table counts as "no copies, no agencies". Identical
 * tables give an empty list. Type lists are compared as sets (order in the file is not a change).
 */
export function diffGrants(before: GrantTable, after: GrantTable): GrantChange[] {
  const countries = [...new Set([...before.ncbs, ...after.ncbs].map((ncb) => ncb.country))].sort();
  return countries.flatMap((country) => {
    const old = before.ncbs.find((ncb) => ncb.country === country);
    const next = after.ncbs.find((ncb) => ncb.country === country);
    const copyBefore = old?.copyAgencySends ?? false;
    const copyAfter = next?.copyAgencySends ?? false;
    const changes: GrantChange[] =
      copyBefore === copyAfter
        ? []
        : [{ kind: 'ncb-copy-changed', country, before: copyBefore, after: copyAfter }];
    return [...changes, ...diffAgencies(old?.agencies ?? [], next?.agencies ?? [])];
  });
}

function diffAgencies(
  before: readonly AgencyGrant[],
  after: readonly AgencyGrant[],
): GrantChange[] {
  const urns = [...new Set([...before, ...after].map((grant) => grant.urn))].sort();
  return urns.flatMap((urn): GrantChange[] => {
    const old = before.find((grant) => grant.urn === urn);
    const next = after.find((grant) => grant.urn === urn);
    if (old === undefined)
      return next === undefined ? [] : [{ kind: 'agency-added', urn, after: next }];
    if (next === undefined) return [{ kind: 'agency-removed', urn, before: old }];
    const fields = changedFields(old, next);
    return fields.length === 0
      ? []
      : [{ kind: 'agency-changed', urn, fields, before: old, after: next }];
  });
}

function changedFields(old: AgencyGrant, next: AgencyGrant): AgencyScopeField[] {
  const fields: AgencyScopeField[] = [];
  if (!sameSet(old.publish, next.publish)) fields.push('publish');
  if (
    !sameSet(old.read.streams, next.read.streams) ||
    !sameSet(old.read.messageTypes, next.read.messageTypes)
  ) {
    fields.push('read');
  }
  if (old.expiresAtMs !== next.expiresAtMs) fields.push('expiresAt');
  return fields;
}

function sameSet(left: readonly string[], right: readonly string[]): boolean {
  const set = new Set(left);
  return set.size === new Set(right).size && right.every((item) => set.has(item));
}
