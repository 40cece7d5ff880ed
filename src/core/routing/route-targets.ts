import { countryTopic, TOPICS } from '../../contract/topic-names';

/** Where a candidate route leads, before it becomes a topic name. */
export type RouteTarget =
  | { readonly kind: 'country'; readonly country: string }
  | { readonly kind: 'secretariat' }
  | { readonly kind: 'working-group' }
  | { readonly kind: 'broadcast' }
  | { readonly kind: 'directory' };

/** A route some source proposes; the originator's instructions then decide whether it is taken. */
export interface Candidate {
  readonly target: RouteTarget;
  /** The sender named this target itself: H2 and NO_SECRETARIAT_COPY still allow it. */
  readonly named: boolean;
  /** `destination`, a rule id or `ncb-copy`. */
  readonly proposedBy: string;
  /** For a named destination: `destinations[i]`. */
  readonly field?: string;
}

/** The Kafka topic of a target (names come from the contract, never spelled here). */
export function topicOf(target: RouteTarget): string {
  switch (target.kind) {
    case 'country':
      return countryTopic(target.country);
    case 'secretariat':
      return TOPICS.secretariat;
    case 'working-group':
      return TOPICS.workingGroup;
    case 'broadcast':
      return TOPICS.broadcast;
    case 'directory':
      return TOPICS.contactPointDirectory;
  }
}

/** A short human name for messages: `the inbox of FR`, `the Secretariat`. */
export function describeTarget(target: RouteTarget): string {
  switch (target.kind) {
    case 'country':
      return `the inbox of ${target.country}`;
    case 'secretariat':
      return 'the Secretariat';
    case 'working-group':
      return 'the working group';
    case 'broadcast':
      return 'the broadcast to all members';
    case 'directory':
      return 'the contact-point directory';
  }
}
