import type { HandlingFlags, RouteNotTaken } from './decision-types';
import type { ReasonName } from '../../contract/reason-name';
import { describeTarget, topicOf, type Candidate } from './route-targets';

/** The candidates kept and those ruled out, in proposal order. */
export interface FilteredRoutes {
  readonly taken: readonly Candidate[];
  readonly notTaken: readonly RouteNotTaken[];
}

type Verdict =
  | { readonly kind: 'take' }
  | { readonly kind: 'refuse'; readonly reason: ReasonName; readonly why: string }
  | { readonly kind: 'fan-out'; readonly countries: readonly string[] };

/**
 * Applies the originator's instructions to every candidate route; no rule can override them.
 * A broadcast under restricted_to is replaced by one candidate per allowed country (the
 * broadcast topic is read by every member, so it is never written then), and those candidates
 * go through the same checks.
 */
export function applyInstructions(
  candidates: readonly Candidate[],
  flags: HandlingFlags,
  members: ReadonlySet<string>,
): FilteredRoutes {
  const queue = [...candidates];
  const taken: Candidate[] = [];
  const notTaken: RouteNotTaken[] = [];
  for (let candidate = queue.shift(); candidate !== undefined; candidate = queue.shift()) {
    const verdict = judge(candidate, flags, members);
    if (verdict.kind === 'take') {
      taken.push(candidate);
      continue;
    }
    const topic = topicOf(candidate.target);
    const proposedBy = candidate.proposedBy;
    if (verdict.kind === 'refuse') {
      const description = `${describeTarget(candidate.target)}: ${verdict.why}`;
      notTaken.push({ topic, reason: verdict.reason, description, proposedBy });
      continue;
    }
    const description = `restricted_to limits the broadcast to ${verdict.countries.join(', ')}: sent to their inboxes instead`;
    notTaken.push({ topic, reason: 'RESTRICTED_TO_EXCLUDES', description, proposedBy });
    const fanOut = verdict.countries.map((country) => ({
      ...candidate,
      target: { kind: 'country' as const, country },
    }));
    queue.push(...fanOut);
  }
  return { taken, notTaken };
}

/**
 * One candidate against the instructions. The working group and the contact-point directory
 * are read by officers of many countries, so a non-empty restricted_to excludes them; the
 * Secretariat is not a country and stays allowed unless NO_SECRETARIAT_COPY (named: allowed).
 */
function judge(candidate: Candidate, flags: HandlingFlags, members: ReadonlySet<string>): Verdict {
  const restricted = flags.restrictedTo.length > 0;
  const addedUnderH2 = !candidate.named && flags.code === 'H2';
  switch (candidate.target.kind) {
    case 'country': {
      const country = candidate.target.country;
      if (!members.has(country)) return no('UNKNOWN_DESTINATION', 'not a member country');
      if (addedUnderH2) return no('H2_NAMED_ONLY', 'H2: named destinations only');
      if (restricted && !flags.restrictedTo.includes(country)) {
        return no('RESTRICTED_TO_EXCLUDES', `${country} is not in restricted_to`);
      }
      return { kind: 'take' };
    }
    case 'secretariat':
      if (addedUnderH2) return no('H2_NAMED_ONLY', 'H2: named destinations only');
      if (!candidate.named && flags.noSecretariatCopy) {
        return no('H3_RESTRICTION', 'NO_SECRETARIAT_COPY and the Secretariat is not named');
      }
      return { kind: 'take' };
    case 'working-group':
      if (flags.noWorkingGroup) return no('H3_RESTRICTION', 'NO_WORKING_GROUP');
      return multiCountry(addedUnderH2, restricted, 'the working group');
    case 'directory':
      if (flags.noBroadcast) return no('H3_RESTRICTION', 'NO_BROADCAST');
      return multiCountry(addedUnderH2, restricted, 'the directory');
    case 'broadcast':
      if (flags.noBroadcast) return no('H3_RESTRICTION', 'NO_BROADCAST');
      if (addedUnderH2) return no('H2_NAMED_ONLY', 'H2: named destinations only');
      return restricted ? { kind: 'fan-out', countries: flags.restrictedTo } : { kind: 'take' };
  }
}

function multiCountry(addedUnderH2: boolean, restricted: boolean, what: string): Verdict {
  if (addedUnderH2) return no('H2_NAMED_ONLY', 'H2: named destinations only');
  if (restricted) {
    return no('RESTRICTED_TO_EXCLUDES', `${what} is read by other countries than restricted_to`);
  }
  return { kind: 'take' };
}

function no(reason: ReasonName, why: string): Verdict {
  return { kind: 'refuse', reason, why };
}
