export { decideRoutes } from './decide-routes';
export type {
  HandlingFlags,
  RefusedDecision,
  Route,
  RouteNotTaken,
  RoutedDecision,
  RoutingDecision,
  RoutingInput,
} from './decision-types';
export { loadRuleSet } from './load-rule-set';
export { MESSAGE_TYPES, isMessageType, type MessageType } from '../../contract/message-types';
export { reasonCodeOf, type ReasonName } from '../../contract/reason-name';
export { RULE_SET_SCHEMA } from './rule-set-schema';
export { findRule } from './rule-matcher';
export {
  ORIGIN_KIND_NAMES,
  RULE_ACTIONS,
  RULE_REFUSAL_REASONS,
  type OriginKindName,
  type PayloadCondition,
  type RefusalRule,
  type Rule,
  type RuleAction,
  type RuleMatch,
  type RuleRefusalReason,
  type RuleSet,
  type RoutingRule,
} from './rule-types';
