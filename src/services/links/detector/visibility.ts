import type { Identity } from '../../../identity/identity';
import type { StoredObservation } from './observation-types';

/** The General Secretariat as a recipient of link alerts (never a country code). */
export const SECRETARIAT = 'secretariat';

/** Who an alert is for: a member country (ISO alpha-2) or `secretariat`. */
export type Recipient = string;

/**
 * Whether `recipient` may learn that the report behind `observation` exists (hit/no-hit: its
 * country, when, how many — never its content). The originator's instructions, as routing
 * applies them to the report itself:
 *
 * - the reporting country always knows its own report;
 * - a country outside a non-empty `restricted_to` is never told of it;
 * - an H2 report ("not beyond the named recipients") is disclosed only to the countries it was
 *   addressed to;
 * - the Secretariat is told unless the report kept it away: H2 or NO_SECRETARIAT_COPY without
 *   naming it (the detector reads the Secretariat stream, so such a report is not even seen;
 *   the rule holds for any other source too).
 *
 * Pure; the single place these rules live (alerts and `links show` both use it).
 */
export function mayLearnOf(observation: StoredObservation, recipient: Recipient): boolean {
  const { handling, country, addressedTo, secretariatNamed } = observation;
  if (recipient === SECRETARIAT) {
    if (secretariatNamed) return true;
    return handling.code !== 'H2' && !handling.flags.includes('no-secretariat-copy');
  }
  if (recipient === country) return true;
  if (handling.restrictedTo.length > 0 && !handling.restrictedTo.includes(recipient)) return false;
  if (handling.code === 'H2' && !addressedTo.includes(recipient)) return false;
  return true;
}

/**
 * The recipient whose view an identity gets: its country for an NCB or an agency (an agency
 * reads its country's inbox), `secretariat` for the Secretariat's services; undefined for the
 * roles that receive no link alert (working-group members, operators, system components).
 */
export function recipientOfIdentity(identity: Identity): Recipient | undefined {
  switch (identity.role) {
    case 'ncb':
    case 'agency':
      return identity.country;
    case 'secretariat':
      return SECRETARIAT;
    default:
      return undefined;
  }
}
