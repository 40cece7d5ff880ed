import type { MessageType } from '../../contract/message-types';

/** What a matching rule adds to a message's candidate routes (see routing.yaml's header). */
export const RULE_ACTIONS = [
  'to-destinations',
  'to-secretariat',
  'to-working-group',
  'broadcast',
  'to-directory',
  'to-origin-ncb',
] as const;

/** One rule action name. */
export type RuleAction = (typeof RULE_ACTIONS)[number];

/** Origin kinds as rule files name them (envelope.proto OriginKind, lower-case kebab). */
export const ORIGIN_KIND_NAMES = [
  'ncb',
  'agency',
  'secretariat',
  'working-group-member',
  'system',
] as const;

/** One origin kind name as rule files spell it. */
export type OriginKindName = (typeof ORIGIN_KIND_NAMES)[number];

/** Reasons a `refuse` rule may give (a subset of gateway.proto's ReasonCode names). */
export const RULE_REFUSAL_REASONS = ['DESTINATION_REQUIRED', 'NO_RECIPIENT'] as const;

/** A reason a `refuse` rule may give. */
export type RuleRefusalReason = (typeof RULE_REFUSAL_REASONS)[number];

/**
 * A condition on the parsed payload, at an RFC 6901 JSON pointer. Exactly one test:
 * `equals` (deep JSON equality), `in` (equals one of), `exists` (the pointer resolves or not).
 */
export type PayloadCondition =
  | { readonly pointer: string; readonly equals: unknown }
  | { readonly pointer: string; readonly in: readonly unknown[] }
  | { readonly pointer: string; readonly exists: boolean };

/** When a rule applies. Every field given must hold; an omitted field matches anything. */
export interface RuleMatch {
  readonly messageTypes?: readonly MessageType[];
  readonly schemaVersions?: readonly number[];
  readonly originKinds?: readonly OriginKindName[];
  readonly originCountries?: readonly string[];
  /** `present`: at least one named destination; `absent`: none. */
  readonly destinations?: 'present' | 'absent';
  readonly payload?: readonly PayloadCondition[];
}

/** A rule that routes: its actions, bounded afterwards by the originator's instructions. */
export interface RoutingRule {
  readonly id: string;
  readonly description?: string;
  readonly match: RuleMatch;
  readonly actions: readonly RuleAction[];
}

/** A rule that refuses what it matches (e.g. an information-request with no destination). */
export interface RefusalRule {
  readonly id: string;
  readonly description?: string;
  readonly match: RuleMatch;
  readonly refuse: { readonly reason: RuleRefusalReason; readonly message: string };
}

/** A rule of either kind; `'refuse' in rule` tells them apart. */
export type Rule = RoutingRule | RefusalRule;

/** A validated, deep-frozen rule set. Rules are evaluated in order; the first match decides. */
export interface RuleSet {
  readonly version: 1;
  readonly rules: readonly Rule[];
}

/** Rule ids the router uses itself as route reasons, so no rule may take them. */
export const RESERVED_RULE_IDS: readonly string[] = ['destination', 'ncb-copy'];
