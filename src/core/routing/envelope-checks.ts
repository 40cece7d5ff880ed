import {
  Channel,
  type Destination,
  type Envelope,
  type Origin,
} from '../../contract/generated/intelroute/v1/envelope';
import type { HandlingFlags, RefusedDecision } from './decision-types';
import { handlingCodeName, readHandlingFlags } from './handling-flags';
import type { RouteTarget } from './route-targets';

/** A destination the sender named, resolved to a target. */
export interface NamedDestination {
  readonly target: RouteTarget;
  /** `destinations[i]`. */
  readonly field: string;
}

/** The envelope as the router reads it, or the refusal its instructions or contents force. */
export type CheckedEnvelope =
  | {
      readonly kind: 'checked';
      readonly origin: Origin;
      readonly flags: HandlingFlags;
      readonly named: readonly NamedDestination[];
    }
  | RefusedDecision;

/**
 * Refusals that need no rule: instructions missing, a country that is not a member (named or in
 * restricted_to: a typo there would silently narrow the audience), an empty or unknown channel,
 * and a named channel that the sender's own H3 flags forbid (BROADCAST with NO_BROADCAST,
 * WORKING_GROUP with NO_WORKING_GROUP): the contract forbids the combination, so no guess is made.
 */
export function checkEnvelope(envelope: Envelope, members: ReadonlySet<string>): CheckedEnvelope {
  const { origin, handling } = envelope;
  if (origin === undefined) return refuse('ENVELOPE_INVALID', 'origin is missing', 'origin');
  if (handling === undefined) return refuse('ENVELOPE_INVALID', 'handling is missing', 'handling');
  const code = handlingCodeName(handling.code);
  if (code === undefined) {
    return refuse('ENVELOPE_INVALID', 'handling.code must be H0–H3', 'handling.code');
  }
  const unknown = handling.restrictedTo.findIndex((country) => !members.has(country));
  if (unknown >= 0) {
    const field = `handling.restricted_to[${unknown}]`;
    return refuse('UNKNOWN_DESTINATION', `${field} is not a member country`, field);
  }
  const flags = readHandlingFlags(handling, code);
  const named: NamedDestination[] = [];
  for (const [index, destination] of envelope.destinations.entries()) {
    const resolved = resolveDestination(destination, `destinations[${index}]`, members, flags);
    if (resolved.kind === 'refused') return resolved;
    named.push(resolved);
  }
  return { kind: 'checked', origin, flags, named };
}

function resolveDestination(
  destination: Destination,
  field: string,
  members: ReadonlySet<string>,
  flags: HandlingFlags,
): (NamedDestination & { readonly kind: 'named' }) | RefusedDecision {
  const target = destination.target;
  if (target === undefined) return refuse('ENVELOPE_INVALID', `${field} names nothing`, field);
  if (target.$case === 'country') {
    if (!members.has(target.country)) {
      const at = `${field}.country`;
      return refuse('UNKNOWN_DESTINATION', `${at} is not a member country`, at);
    }
    return { kind: 'named', field, target: { kind: 'country', country: target.country } };
  }
  const at = `${field}.channel`;
  switch (target.channel) {
    case Channel.CHANNEL_SECRETARIAT:
      return { kind: 'named', field, target: { kind: 'secretariat' } };
    case Channel.CHANNEL_WORKING_GROUP:
      if (flags.noWorkingGroup) return contradiction(at, 'WORKING_GROUP', 'NO_WORKING_GROUP');
      return { kind: 'named', field, target: { kind: 'working-group' } };
    case Channel.CHANNEL_BROADCAST:
      if (flags.noBroadcast) return contradiction(at, 'BROADCAST', 'NO_BROADCAST');
      return { kind: 'named', field, target: { kind: 'broadcast' } };
    default:
      return refuse(
        'ENVELOPE_INVALID',
        `${at} must be SECRETARIAT, WORKING_GROUP or BROADCAST`,
        at,
      );
  }
}

function contradiction(field: string, channel: string, flag: string): RefusedDecision {
  const message = `${field} is ${channel}, which the sender's own H3 flag ${flag} forbids`;
  return refuse('H3_RESTRICTION', message, field);
}

/** A refusal decided before any route was considered. */
export function refuse(
  reason: RefusedDecision['reason'],
  message: string,
  field?: string,
): RefusedDecision {
  return field === undefined
    ? { kind: 'refused', reason, message, notTaken: [] }
    : { kind: 'refused', reason, message, field, notTaken: [] };
}
