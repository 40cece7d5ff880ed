import { OriginKind, type Envelope } from '../../contract/generated/intelroute/v1/envelope';
import { jsonEquals, resolvePointer } from './json-pointer';
import type { OriginKindName, PayloadCondition, Rule, RuleMatch, RuleSet } from './rule-types';

const ORIGIN_KIND_BY_NAME: Readonly<Record<OriginKindName, OriginKind>> = {
  ncb: OriginKind.ORIGIN_KIND_NCB,
  agency: OriginKind.ORIGIN_KIND_AGENCY,
  secretariat: OriginKind.ORIGIN_KIND_SECRETARIAT,
  'working-group-member': OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER,
  system: OriginKind.ORIGIN_KIND_SYSTEM,
};

/**
 * The first rule, in file order, whose match holds for this message; undefined when none does.
 * First match wins so that every routed message is explained by exactly one rule id.
 */
export function findRule(rules: RuleSet, envelope: Envelope, payload: unknown): Rule | undefined {
  return rules.rules.find((rule) => matches(rule.match, envelope, payload));
}

/** True when every condition of `match` holds (an omitted condition holds trivially). */
export function matches(match: RuleMatch, envelope: Envelope, payload: unknown): boolean {
  const origin = envelope.origin;
  const kinds = match.originKinds?.map((name) => ORIGIN_KIND_BY_NAME[name]);
  return (
    within(match.messageTypes, envelope.messageType) &&
    within(match.schemaVersions, envelope.schemaVersion) &&
    within(kinds, origin?.kind) &&
    within(match.originCountries, origin?.country) &&
    destinationPresenceHolds(match.destinations, envelope.destinations.length) &&
    (match.payload ?? []).every((condition) => conditionHolds(condition, payload))
  );
}

function within<T>(allowed: readonly T[] | undefined, actual: T | undefined): boolean {
  return allowed === undefined || (actual !== undefined && allowed.includes(actual));
}

function destinationPresenceHolds(wanted: RuleMatch['destinations'], count: number): boolean {
  if (wanted === undefined) return true;
  return wanted === 'present' ? count > 0 : count === 0;
}

function conditionHolds(condition: PayloadCondition, payload: unknown): boolean {
  const lookup = resolvePointer(payload, condition.pointer);
  if ('exists' in condition) return lookup.found === condition.exists;
  if (!lookup.found) return false;
  if ('equals' in condition) return jsonEquals(lookup.value, condition.equals);
  return condition.in.some((candidate) => jsonEquals(lookup.value, candidate));
}
