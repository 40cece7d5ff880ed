import type { Envelope } from '../../contract/generated/intelroute/v1/envelope';
import type { Identity } from '../../identity/identity';
import type { ReasonName } from '../../contract/reason-name';
import type { RuleSet } from './rule-types';

/** Everything the router needs; all values, no I/O. */
export interface RoutingInput {
  /** An envelope that passed envelope validation (origin and handling present). */
  readonly envelope: Envelope;
  /** The parsed, schema-valid payload (rules may test it by JSON pointer). */
  readonly payload: unknown;
  /** The authenticated sender (authorisation already passed). */
  readonly sender: Identity;
  readonly rules: RuleSet;
  /** ISO alpha-2 codes of the member countries that have an inbox. */
  readonly memberCountries: ReadonlySet<string>;
  /** Countries whose NCB asked to be copied on what its national agencies send. */
  readonly ncbCopyCountries: ReadonlySet<string>;
}

/** A topic the message is written to. */
export interface Route {
  readonly topic: string;
  /** Why: a rule id, `destination` (named by the sender) or `ncb-copy`. */
  readonly reason: string;
  /** For a named destination, its field path (`destinations[1]`). */
  readonly field?: string;
}

/** A candidate route the originator's instructions (or the contract) ruled out. */
export interface RouteNotTaken {
  readonly topic: string;
  readonly reason: ReasonName;
  /** For humans and the audit trail; never payload content. */
  readonly description: string;
  /** What proposed the route: a rule id, `destination` or `ncb-copy`. */
  readonly proposedBy: string;
}

/**
 * The originator's instructions as routing read them. `noLinkAnalysis` and `ncbOnly` do not
 * change routes: they are exposed for the link detector and for readers (an agency reader must
 * not be shown an `ncbOnly` message).
 */
export interface HandlingFlags {
  readonly code: 'H0' | 'H1' | 'H2' | 'H3';
  /** Empty: no restriction. */
  readonly restrictedTo: readonly string[];
  readonly noWorkingGroup: boolean;
  readonly noSecretariatCopy: boolean;
  readonly noBroadcast: boolean;
  readonly noLinkAnalysis: boolean;
  readonly ncbOnly: boolean;
}

/** The message goes to `routes` (never empty, de-duplicated by topic). */
export interface RoutedDecision {
  readonly kind: 'routed';
  readonly ruleId: string;
  readonly routes: readonly Route[];
  readonly notTaken: readonly RouteNotTaken[];
  readonly flags: HandlingFlags;
}

/** The message is refused; nothing is written. */
export interface RefusedDecision {
  readonly kind: 'refused';
  readonly reason: ReasonName;
  readonly message: string;
  /** Proto field path of the culprit (`destinations[1].country`), when one field is at fault. */
  readonly field?: string;
  /** The rule that matched, when the refusal came after rule matching. */
  readonly ruleId?: string;
  /** Routes considered and ruled out before the refusal (for the audit trail). */
  readonly notTaken: readonly RouteNotTaken[];
}

/** What decideRoutes returns: where to write, or why nothing is written. */
export type RoutingDecision = RoutedDecision | RefusedDecision;
