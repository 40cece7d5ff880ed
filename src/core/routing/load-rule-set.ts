import Ajv from 'ajv';
import { RULE_SET_SCHEMA } from './rule-set-schema';
import { RESERVED_RULE_IDS, type RuleSet } from './rule-types';
import { asRecord, parseValidatedDocument } from './validated-document';

const ajv = new Ajv({ allErrors: true, strict: true });
const validateRuleSet = ajv.compile(RULE_SET_SCHEMA);

const PAYLOAD_TESTS = ['equals', 'in', 'exists'] as const;

/**
 * Parses and validates a routing rule set (YAML or JSON text, see config/routing.yaml).
 * Pure: the caller reads the file, and keeps its previous rule set when this throws.
 * @returns the rule set, deep-frozen.
 * @throws IntelrouteError ROUTING_RULES_INVALID listing every problem (syntax, schema and
 *   cross-field), in `details.problems` too.
 */
export function loadRuleSet(text: string): RuleSet {
  return parseValidatedDocument(text, {
    label: 'routing rules',
    errorCode: 'ROUTING_RULES_INVALID',
    validate: validateRuleSet,
    check: checkRules,
  }) as RuleSet;
}

/** Cross-field problems of a (possibly schema-invalid) rule set, one line each. */
function checkRules(value: unknown): string[] {
  const rules = asRecord(value)?.rules;
  if (!Array.isArray(rules)) return [];
  const problems: string[] = [];
  const seen = new Map<string, number>(); // id -> index of its first rule
  const matches = new Map<string, number>(); // serialised match -> index of its first rule
  rules.forEach((candidate: unknown, index) => {
    const rule = asRecord(candidate);
    if (rule === undefined) return;
    const where = `/rules/${index}`;
    problems.push(...checkId(rule.id, index, seen));
    if ('actions' in rule === 'refuse' in rule) {
      problems.push(`${where}: needs exactly one of "actions" or "refuse"`);
    }
    problems.push(...checkShadowing(rule.match, index, matches));
    problems.push(
      ...checkPayloadConditions(asRecord(rule.match)?.payload, `${where}/match/payload`),
    );
  });
  return problems;
}

function checkId(id: unknown, index: number, seen: Map<string, number>): string[] {
  if (typeof id !== 'string') return [];
  const problems: string[] = [];
  const earlier = seen.get(id);
  if (earlier === undefined) seen.set(id, index);
  else problems.push(`/rules/${index}/id: "${id}" is already the id of /rules/${earlier}`);
  if (RESERVED_RULE_IDS.includes(id)) {
    problems.push(`/rules/${index}/id: "${id}" is reserved for the router's own route reasons`);
  }
  return problems;
}

/**
 * First match wins, so a rule after one with the same match, or after a match-everything rule,
 * can never apply: almost certainly an editing mistake, reported rather than silently ignored.
 */
function checkShadowing(match: unknown, index: number, matches: Map<string, number>): string[] {
  const key = JSON.stringify(match ?? null);
  const catchAll = matches.get('{}');
  const same = matches.get(key);
  if (!matches.has(key)) matches.set(key, index);
  const earlier = catchAll ?? same;
  return earlier === undefined
    ? []
    : [`/rules/${index}/match: never applies, /rules/${earlier} matches first`];
}

function checkPayloadConditions(conditions: unknown, where: string): string[] {
  if (!Array.isArray(conditions)) return [];
  const problems: string[] = [];
  conditions.forEach((candidate: unknown, index) => {
    const condition = asRecord(candidate);
    if (condition === undefined) return;
    const tests = PAYLOAD_TESTS.filter((test) => test in condition);
    if (tests.length !== 1) {
      problems.push(`${where}/${index}: needs exactly one of "equals", "in" or "exists"`);
    }
  });
  return problems;
}
