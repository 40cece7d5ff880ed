import { OriginKind, type Origin } from '../../contract/generated/intelroute/v1/envelope';
import type { Identity } from '../../identity/identity';
import type { RefusedDecision } from './decision-types';
import type { NamedDestination } from './envelope-checks';
import type { Candidate, RouteTarget } from './route-targets';
import type { RuleAction, RoutingRule } from './rule-types';

/** The channel action that reaches the same target as a named channel. */
const ACTION_REACHING: Readonly<Partial<Record<RouteTarget['kind'], RuleAction>>> = {
  secretariat: 'to-secretariat',
  'working-group': 'to-working-group',
  broadcast: 'broadcast',
};

/**
 * The named destinations the rule accepts, or a DESTINATION_REQUIRED refusal for the first it
 * does not: a named destination is never dropped silently. A rule accepts every named
 * destination with `to-destinations`, and a named channel its own actions reach anyway (a
 * working-group contribution may name the working group).
 */
export function acceptNamed(
  rule: RoutingRule,
  named: readonly NamedDestination[],
): readonly Candidate[] | RefusedDecision {
  const accepted: Candidate[] = [];
  for (const destination of named) {
    const reaching = ACTION_REACHING[destination.target.kind];
    const ok =
      rule.actions.includes('to-destinations') ||
      (reaching !== undefined && rule.actions.includes(reaching));
    if (!ok) {
      const message = `${destination.field}: routing rule "${rule.id}" takes no such destination`;
      return {
        kind: 'refused',
        reason: 'DESTINATION_REQUIRED',
        message,
        field: destination.field,
        ruleId: rule.id,
        notTaken: [],
      };
    }
    accepted.push({
      target: destination.target,
      named: true,
      proposedBy: 'destination',
      field: destination.field,
    });
  }
  return accepted;
}

/** The routes a rule's actions add (`to-destinations` adds none: named ones come first). */
export function ruleCandidates(rule: RoutingRule, origin: Origin): readonly Candidate[] {
  const added = (target: RouteTarget): Candidate => ({ target, named: false, proposedBy: rule.id });
  return rule.actions.flatMap((action): Candidate[] => {
    switch (action) {
      case 'to-destinations':
        return [];
      case 'to-secretariat':
        return [added({ kind: 'secretariat' })];
      case 'to-working-group':
        return [added({ kind: 'working-group' })];
      case 'broadcast':
        return [added({ kind: 'broadcast' })];
      case 'to-directory':
        return [added({ kind: 'directory' })];
      case 'to-origin-ncb':
        return originNcbCountry(origin).map((country) => added({ kind: 'country', country }));
    }
  });
}

/** An NCB sending is its own "origin NCB": only agencies and working-group members have one. */
function originNcbCountry(origin: Origin): string[] {
  const hasNcb =
    origin.kind === OriginKind.ORIGIN_KIND_AGENCY ||
    origin.kind === OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER;
  return hasNcb && origin.country !== '' ? [origin.country] : [];
}

/** The copy an NCB asked for of what its national agencies send (from the grant table). */
export function ncbCopyCandidates(
  sender: Identity,
  ncbCopyCountries: ReadonlySet<string>,
): readonly Candidate[] {
  if (sender.role !== 'agency' || !ncbCopyCountries.has(sender.country)) return [];
  return [
    { target: { kind: 'country', country: sender.country }, named: false, proposedBy: 'ncb-copy' },
  ];
}
