import { isJsonObject, walkSchema, type JsonObject } from './schema-walk';

/** Deepest nesting of arrays and objects accepted in a payload (the schemas need far less). */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * How far beyond the schema's own limits a payload's shape may go before the scan refuses it:
 * moderate excesses reach ajv and get a precise field path, absurd ones are stopped early.
 */
const SLACK_FACTOR = 4;

/** Bounds on a payload's shape, derived from its schema. */
export interface StructureLimits {
  readonly maxDepth: number;
  /** SLACK_FACTOR times the largest `maxItems` anywhere in the schema. */
  readonly maxArrayItems: number;
  /**
   * SLACK_FACTOR times the most properties any object of the schema declares (every object is
   * additionalProperties:false, so no valid payload has more).
   */
  readonly maxObjectMembers: number;
  /**
   * Longest JSON string literal, in bytes between the quotes: the largest `maxLength` times
   * 12 (a code point written as an escaped surrogate pair, \uXXXX\uXXXX, is 12 bytes).
   */
  readonly maxStringBytes: number;
}

/** Most bytes one code point can take inside a JSON string literal. */
const MAX_BYTES_PER_CODE_POINT = 12;

/** A shape no payload of the schema can have. */
export interface StructureProblem {
  readonly keyword: 'maxDepth' | 'maxItems' | 'maxProperties' | 'maxLength';
  readonly message: string;
}

/** Computes the structural limits implied by a (linted) schema. */
export function structureLimitsFor(schema: JsonObject): StructureLimits {
  let maxArrayItems = 1;
  let maxObjectMembers = 1;
  let maxLength = 1;
  walkSchema(schema, (node) => {
    if (typeof node.maxItems === 'number') maxArrayItems = Math.max(maxArrayItems, node.maxItems);
    if (typeof node.maxLength === 'number') maxLength = Math.max(maxLength, node.maxLength);
    if (isJsonObject(node.properties)) {
      maxObjectMembers = Math.max(maxObjectMembers, Object.keys(node.properties).length);
    }
  });
  return {
    maxDepth: MAX_PAYLOAD_DEPTH,
    maxArrayItems: maxArrayItems * SLACK_FACTOR,
    maxObjectMembers: maxObjectMembers * SLACK_FACTOR,
    maxStringBytes: maxLength * MAX_BYTES_PER_CODE_POINT,
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Scans JSON text (UTF-8 bytes) once, before JSON.parse, for nesting deeper than the limit,
 * arrays or objects with more entries than any schema location allows, and strings longer
 * than any maxLength. Such documents are refused whatever their content: parsing and
 * validating them costs far more than this scan (ajv, with allErrors, reports one error per
 * surplus entry and measures every string twice). Structural characters are ASCII, so
 * they never occur inside a multi-byte sequence; string contents are skipped. Invalid JSON
 * may pass the scan: JSON.parse refuses it next.
 */
export function findStructureProblem(
  bytes: Uint8Array,
  limits: StructureLimits,
): StructureProblem | undefined {
  // Per open container: its entry count so far, negative for objects (plain arrays: typed
  // arrays cost more to allocate than this whole scan on a typical payload).
  const open: number[] = [];
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = stringEnd(bytes, i, limits.maxStringBytes);
      if (i < 0) return stringProblem(limits);
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (open.length >= limits.maxDepth) return depthProblem(limits);
      open.push(byte === OPEN_ARRAY ? 1 : -1);
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      open.pop();
    } else if (byte === COMMA && open.length > 0) {
      const last = open.length - 1;
      const count = (open[last] ?? 0) + ((open[last] ?? 0) > 0 ? 1 : -1);
      open[last] = count;
      const problem = entryProblem(count > 0, Math.abs(count), limits);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/**
 * @returns the index of the closing quote of the string opening at `start` (the end of the
 * input when unterminated), or -1 once the string is longer than `maxBytes`. Uses the native
 * `indexOf` and skips quotes preceded by an odd run of backslashes.
 */
function stringEnd(bytes: Uint8Array, start: number, maxBytes: number): number {
  let quote = bytes.indexOf(QUOTE, start + 1);
  while (quote >= 0 && quote - start - 1 <= maxBytes) {
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = bytes.indexOf(QUOTE, quote + 1);
  }
  if (quote < 0) return bytes.length - start - 1 > maxBytes ? -1 : bytes.length;
  return -1;
}

function stringProblem(limits: StructureLimits): StructureProblem {
  const chars = limits.maxStringBytes / MAX_BYTES_PER_CODE_POINT;
  return {
    keyword: 'maxLength',
    message: `must not contain a string longer than ${chars} characters`,
  };
}

function depthProblem(limits: StructureLimits): StructureProblem {
  const message = `must not nest arrays and objects more than ${limits.maxDepth} levels deep`;
  return { keyword: 'maxDepth', message };
}

function entryProblem(
  inArray: boolean,
  count: number,
  limits: StructureLimits,
): StructureProblem | undefined {
  if (inArray && count > limits.maxArrayItems) {
    const message = `must not contain an array of more than ${limits.maxArrayItems} items`;
    return { keyword: 'maxItems', message };
  }
  if (!inArray && count > limits.maxObjectMembers) {
    const message = `must not contain an object with more than ${limits.maxObjectMembers} properties`;
    return { keyword: 'maxProperties', message };
  }
  return undefined;
}
