import { patternProblems } from './pattern-safety';
import { isJsonObject, walkSchema, type JsonObject } from './schema-walk';
import { GUARDED_FORMATS } from './guarded-formats';

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * The house rules every payload schema follows, so validation time and memory stay bounded
 * whatever a sender submits (see schemas/README.md):
 * strings have maxLength (or an enum/const), arrays maxItems, objects
 * `additionalProperties: false`; `uniqueItems` only on arrays whose items declare a scalar
 * `type` (ajv then checks them in linear time instead of comparing every pair); formats are
 * among the length-guarded ones; every `pattern` passes {@link patternProblems}.
 * @returns problems as "<schema pointer>: <problem>"; empty when the schema is clean.
 */
export function lintSchema(schema: JsonObject): string[] {
  const problems: string[] = [];
  walkSchema(schema, (node, { pointer, refinement }) => {
    const found = [...(refinement ? [] : limitProblems(node)), ...safetyProblems(node)];
    for (const problem of found) problems.push(`${pointer}: ${problem}`);
  });
  return problems;
}

/** Limits every value-describing schema must set (refinements inherit them). */
function limitProblems(node: JsonObject): string[] {
  const problems: string[] = [];
  const bounded = node.enum !== undefined || node.const !== undefined || node.$ref !== undefined;
  if (node.type === 'string' && node.maxLength === undefined && !bounded) {
    problems.push('string without maxLength');
  }
  if (node.type === 'array' && node.maxItems === undefined) problems.push('array without maxItems');
  if (node.type === 'object' && node.additionalProperties !== false) {
    problems.push('object without "additionalProperties": false');
  }
  return problems;
}

/** Rules that hold everywhere, refinements included. */
function safetyProblems(node: JsonObject): string[] {
  const problems: string[] = [];
  if (node.uniqueItems === true && !hasScalarType(node.items)) {
    problems.push('uniqueItems on items without a scalar "type"');
  }
  if (typeof node.format === 'string' && !(node.format in GUARDED_FORMATS)) {
    problems.push(`format "${node.format}" is not one of the guarded formats`);
  }
  if (typeof node.pattern === 'string') {
    for (const p of patternProblems(node.pattern)) problems.push(`pattern ${p}`);
  }
  return problems;
}

function hasScalarType(items: unknown): boolean {
  return isJsonObject(items) && typeof items.type === 'string' && SCALAR_TYPES.has(items.type);
}
