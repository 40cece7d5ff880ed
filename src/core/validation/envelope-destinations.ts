import { Channel, type Destination } from '../../contract/generated/intelroute/v1/envelope';
import { CHANNELS, COUNTRY, MAX_LIST_ENTRIES, enumNames } from './envelope-formats';
import { finding, type Finding } from './validation-types';

/** Message types that must name at least one destination. */
const DESTINATION_REQUIRED_TYPES: ReadonlySet<string> = new Set(['information-request']);

/**
 * destinations: at most 64, no duplicates, each naming a country (ISO alpha-2 format only:
 * membership is checked by routing) or a specified channel; information-request needs one.
 */
export function checkDestinations(
  destinations: readonly Destination[],
  messageType: string,
): Finding[] {
  if (destinations.length > MAX_LIST_ENTRIES) {
    const message = `must not have more than ${MAX_LIST_ENTRIES} entries`;
    return [finding('ENVELOPE_INVALID', 'destinations', 'maxItems', message)];
  }
  if (destinations.length === 0 && DESTINATION_REQUIRED_TYPES.has(messageType)) {
    const message = `must name at least one destination for ${messageType}`;
    return [finding('DESTINATION_REQUIRED', 'destinations', 'minItems', message)];
  }
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  destinations.forEach((destination, index) => {
    const problem = checkDestination(destination, index);
    if (problem !== undefined) return findings.push(problem);
    const key = destinationKey(destination);
    const first = seen.get(key);
    if (first === undefined) return seen.set(key, index);
    const message = `duplicates destinations[${first}]`;
    return findings.push(
      finding('ENVELOPE_INVALID', `destinations[${index}]`, 'uniqueItems', message),
    );
  });
  return findings;
}

function checkDestination(destination: Destination, index: number): Finding | undefined {
  const field = `destinations[${index}]`;
  const target = destination.target;
  if (target === undefined) {
    return finding('ENVELOPE_INVALID', field, 'required', 'must name a country or a channel');
  }
  if (target.$case === 'country' && !COUNTRY.test(target.country)) {
    const message = 'must be an ISO 3166-1 alpha-2 code in upper case';
    return finding('ENVELOPE_INVALID', `${field}.country`, 'pattern', message);
  }
  if (target.$case === 'channel' && !CHANNELS.has(target.channel)) {
    const message = `must be one of ${enumNames(Channel, CHANNELS)}`;
    return finding('ENVELOPE_INVALID', `${field}.channel`, 'enum', message);
  }
  return undefined;
}

function destinationKey(destination: Destination): string {
  const target = destination.target;
  if (target?.$case === 'country') return `country:${target.country}`;
  return `channel:${target?.channel ?? ''}`;
}
