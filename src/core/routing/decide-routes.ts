import type { Envelope } from '../../contract/generated/intelroute/v1/envelope';
import { acceptNamed, ncbCopyCandidates, ruleCandidates } from './candidates';
import type {
  RefusedDecision,
  Route,
  RouteNotTaken,
  RoutingDecision,
  RoutingInput,
} from './decision-types';
import { checkEnvelope } from './envelope-checks';
import type { ReasonName } from '../../contract/reason-name';
import { applyInstructions } from './route-filter';
import { topicOf, type Candidate } from './route-targets';
import { findRule } from './rule-matcher';

/** The envelope field behind each "not taken" reason, for a NO_RECIPIENT refusal's field path. */
const FIELD_OF_REASON: Readonly<Partial<Record<ReasonName, string>>> = {
  RESTRICTED_TO_EXCLUDES: 'handling.restricted_to',
  H2_NAMED_ONLY: 'handling.code',
  H3_RESTRICTION: 'handling.restrictions',
};

/**
 * Decides where one message goes. Pure: same input, same decision.
 *
 * 1. Checks that need no rule (unknown countries, contradictory channels: refusals).
 * 2. Finds the first matching rule (none: NO_RECIPIENT; a `refuse` rule: its refusal).
 * 3. Gathers candidates: named destinations (the rule must accept each), the rule's actions,
 *    and the NCB copy of an agency's message when its NCB asked for one.
 * 4. Applies the originator's instructions (restricted_to, H2, H3 flags) to every candidate.
 * 5. De-duplicates by topic; a message nobody may receive is refused with NO_RECIPIENT.
 */
export function decideRoutes(input: RoutingInput): RoutingDecision {
  const { envelope, memberCountries } = input;
  const checked = checkEnvelope(envelope, memberCountries);
  if (checked.kind === 'refused') return checked;
  const rule = findRule(input.rules, envelope, input.payload);
  if (rule === undefined) return noRuleMatches(envelope);
  if ('refuse' in rule) {
    const refusal = { kind: 'refused', ...rule.refuse, ruleId: rule.id, notTaken: [] } as const;
    return rule.refuse.reason === 'DESTINATION_REQUIRED'
      ? { ...refusal, field: 'destinations' }
      : refusal;
  }
  const named = acceptNamed(rule, checked.named);
  if ('kind' in named) return named;
  const candidates: Candidate[] = [
    ...named,
    ...ruleCandidates(rule, checked.origin),
    ...ncbCopyCandidates(input.sender, input.ncbCopyCountries),
  ];
  const filtered = applyInstructions(candidates, checked.flags, memberCountries);
  const routes = dedupeRoutes(filtered.taken);
  const notTaken = dedupeNotTaken(filtered.notTaken, routes);
  if (routes.length === 0) return noRecipient(rule.id, notTaken);
  return { kind: 'routed', ruleId: rule.id, routes, notTaken, flags: checked.flags };
}

function noRuleMatches(envelope: Envelope): RefusedDecision {
  const message = `no routing rule matches ${envelope.messageType} v${envelope.schemaVersion}`;
  return { kind: 'refused', reason: 'NO_RECIPIENT', message, notTaken: [] };
}

function noRecipient(ruleId: string, notTaken: readonly RouteNotTaken[]): RefusedDecision {
  const reasons = [...new Set(notTaken.map((entry) => entry.reason))];
  const message =
    notTaken.length === 0
      ? `routing rule "${ruleId}" gives this message no recipient`
      : `nobody may receive this message: every route was ruled out (${reasons.join(', ')})`;
  const field = reasons.length === 1 && reasons[0] ? FIELD_OF_REASON[reasons[0]] : undefined;
  const refusal: RefusedDecision = {
    kind: 'refused',
    reason: 'NO_RECIPIENT',
    message,
    ruleId,
    notTaken,
  };
  return field === undefined ? refusal : { ...refusal, field };
}

/** One route per topic; the first proposer (named, then rule, then NCB copy) gives the reason. */
function dedupeRoutes(taken: readonly Candidate[]): Route[] {
  const byTopic = new Map<string, Route>();
  for (const candidate of taken) {
    const topic = topicOf(candidate.target);
    if (byTopic.has(topic)) continue;
    const route: Route = { topic, reason: candidate.proposedBy };
    byTopic.set(
      topic,
      candidate.field === undefined ? route : { ...route, field: candidate.field },
    );
  }
  return [...byTopic.values()];
}

/** Drops "not taken" entries for topics that are written anyway, and exact repeats. */
function dedupeNotTaken(
  notTaken: readonly RouteNotTaken[],
  routes: readonly Route[],
): RouteNotTaken[] {
  const written = new Set(routes.map((route) => route.topic));
  const seen = new Set<string>();
  return notTaken.filter((entry) => {
    const key = `${entry.topic}\u0000${entry.reason}`;
    if (written.has(entry.topic) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
