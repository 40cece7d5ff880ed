import { escapePointerSegment, isJsonObject, walkSchema, type JsonObject } from './schema-walk';

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
  /**
   * Property names the schema declares: a problem's location names only these (any other name
   * is payload content, which no refusal may repeat).
   */
  readonly declaredNames: { has(name: string): boolean };
}

/** No shape limit, every name may be shown: for JSON a user wrote (a file given to the CLI). */
const TEXT_ONLY: StructureLimits = {
  maxDepth: Number.POSITIVE_INFINITY,
  maxArrayItems: Number.POSITIVE_INFINITY,
  maxObjectMembers: Number.POSITIVE_INFINITY,
  maxStringBytes: Number.POSITIVE_INFINITY,
  declaredNames: { has: () => true },
};

/**
 * The problems of any JSON text whatever its schema: a repeated member name or an unpaired
 * surrogate escape, located by a JSON pointer naming every member.
 */
export function findTextProblem(text: string): StructureProblem | undefined {
  return findStructureProblem(Buffer.from(text, 'utf8'), TEXT_ONLY);
}

/** Most bytes one code point can take inside a JSON string literal. */
const MAX_BYTES_PER_CODE_POINT = 12;

/** A shape or text no payload of the schema can have. */
export interface StructureProblem {
  readonly keyword:
    'maxDepth' | 'maxItems' | 'maxProperties' | 'maxLength' | 'duplicateKey' | 'unpairedSurrogate';
  readonly message: string;
  /** JSON pointer of the place at fault ('' for the root), as far as it may be named. */
  readonly pointer: string;
}

/** Computes the structural limits implied by a (linted) schema. */
export function structureLimitsFor(schema: JsonObject): StructureLimits {
  let maxArrayItems = 1;
  let maxObjectMembers = 1;
  let maxLength = 1;
  const declaredNames = new Set<string>();
  walkSchema(schema, (node) => {
    if (typeof node.maxItems === 'number') maxArrayItems = Math.max(maxArrayItems, node.maxItems);
    if (typeof node.maxLength === 'number') maxLength = Math.max(maxLength, node.maxLength);
    if (isJsonObject(node.properties)) {
      const names = Object.keys(node.properties);
      maxObjectMembers = Math.max(maxObjectMembers, names.length);
      for (const name of names) declaredNames.add(name);
    }
  });
  return {
    maxDepth: MAX_PAYLOAD_DEPTH,
    maxArrayItems: maxArrayItems * SLACK_FACTOR,
    maxObjectMembers: maxObjectMembers * SLACK_FACTOR,
    maxStringBytes: maxLength * MAX_BYTES_PER_CODE_POINT,
    declaredNames,
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const LOWER_U = 0x75;

/**
 * Scans JSON text (UTF-8 bytes) once, before JSON.parse, for nesting deeper than the limit,
 * arrays or objects with more entries than any schema location allows, strings longer than any
 * maxLength, a member name repeated within one object (JSON.parse keeps the last, another
 * parser the first: readers would disagree on what was sent), and escapes of unpaired
 * surrogates (a string no reader can hold as UTF-8). Such documents are refused whatever their
 * content: parsing and validating them costs far more than this scan (ajv, with allErrors,
 * reports one error per surplus entry and measures every string twice). Structural characters
 * are ASCII, so they never occur inside a multi-byte sequence; string contents are skipped
 * unless they hold escapes. Invalid JSON may pass the scan: JSON.parse refuses it next.
 */
export function findStructureProblem(
  bytes: Uint8Array,
  limits: StructureLimits,
): StructureProblem | undefined {
  const open = new OpenContainers();
  let expectName = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      const end = stringEnd(bytes, i, limits.maxStringBytes);
      if (end < 0) return stringProblem(limits, open.pointer(limits));
      if (hasUnpairedSurrogate(bytes, i + 1, end)) {
        return surrogateProblem(open.pointer(limits, expectName));
      }
      if (expectName && !open.addName(memberName(bytes, i + 1, end))) {
        return duplicateProblem(open.pointer(limits));
      }
      expectName = false;
      i = end;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (open.depth >= limits.maxDepth) return depthProblem(limits, open.pointer(limits));
      open.push(byte === OPEN_OBJECT);
      expectName = byte === OPEN_OBJECT;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      open.pop();
      expectName = false;
    } else if (byte === COMMA && open.depth > 0) {
      const problem = entryProblem(open.isObject(), open.nextEntry(), limits);
      if (problem !== undefined) return { ...problem, pointer: open.pointer(limits, true) };
      expectName = open.isObject();
    }
  }
  return undefined;
}

/**
 * The open arrays and objects, innermost last: entry counts, and per object the member names
 * seen (for duplicates) and the current one (for locations). Plain arrays: typed arrays cost
 * more to allocate than this whole scan on a typical payload.
 */
class OpenContainers {
  private readonly counts: number[] = [];
  private readonly objects: boolean[] = [];
  private readonly names: (Set<string> | undefined)[] = [];
  private readonly current: (string | undefined)[] = [];

  get depth(): number {
    return this.counts.length;
  }

  push(isObject: boolean): void {
    this.counts.push(1);
    this.objects.push(isObject);
    this.names.push(undefined);
    this.current.push(undefined);
  }

  pop(): void {
    this.counts.pop();
    this.objects.pop();
    this.names.pop();
    this.current.pop();
  }

  isObject(): boolean {
    return this.objects[this.objects.length - 1] === true;
  }

  /** Counts one more entry of the innermost container; returns its entry count. */
  nextEntry(): number {
    const last = this.counts.length - 1;
    const count = (this.counts[last] ?? 0) + 1;
    this.counts[last] = count;
    return count;
  }

  /** Records a member name of the innermost object; false when it already had that name. */
  addName(name: string): boolean {
    const last = this.names.length - 1;
    this.current[last] = name;
    const seen = this.names[last] ?? new Set<string>();
    this.names[last] = seen;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  }

  /**
   * The JSON pointer of the current entry, cut before the first member name the schema does
   * not declare (that name is payload content). `parentOnly`: the entry has no name yet.
   */
  pointer(limits: StructureLimits, parentOnly = false): string {
    let pointer = '';
    const levels = parentOnly ? this.counts.length - 1 : this.counts.length;
    for (let level = 0; level < levels; level += 1) {
      if (this.objects[level] !== true) {
        pointer += `/${(this.counts[level] ?? 1) - 1}`;
        continue;
      }
      const name = this.current[level];
      if (name === undefined || !limits.declaredNames.has(name)) return pointer;
      pointer += `/${escapePointerSegment(name)}`;
    }
    return pointer;
  }
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

const UTF8 = new TextDecoder('utf-8');

/**
 * A member name as JSON.parse will read it (escapes resolved when there are any). Names of
 * plain ASCII, nearly all of them, are taken as Latin-1 (the same text) without a view or a
 * decoder call: every member of every payload is named here.
 */
function memberName(bytes: Uint8Array, from: number, to: number): string {
  if (Buffer.isBuffer(bytes) && isPlainAscii(bytes, from, to)) {
    return bytes.toString('latin1', from, to);
  }
  const raw = UTF8.decode(bytes.subarray(from, to));
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // not a valid JSON string: JSON.parse refuses the document next
  }
}

/** True when [from, to) holds only ASCII bytes and no escape. */
function isPlainAscii(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const byte = bytes[i] as number;
    if (byte >= 0x80 || byte === BACKSLASH) return false;
  }
  return true;
}

/** True when the string literal's text [from, to) escapes a surrogate without its pair. */
function hasUnpairedSurrogate(bytes: Uint8Array, from: number, to: number): boolean {
  let i = backslashWithin(bytes, from, to);
  while (i >= 0 && i < to) {
    const unit = unicodeEscapeAt(bytes, i);
    if (isLowSurrogate(unit)) return true; // no high surrogate right before it
    if (isHighSurrogate(unit)) {
      // Its low half must follow at once, as the next escape.
      if (!isLowSurrogate(unicodeEscapeAt(bytes, i + 6))) return true;
      i = backslashWithin(bytes, i + 12, to);
    } else {
      i = backslashWithin(bytes, unit >= 0 ? i + 6 : i + 2, to);
    }
  }
  return false;
}

/**
 * The first backslash in [from, to), or -1. A loop, not `indexOf`: that searches to the end of
 * the payload, once per string literal, which made the scan quadratic in the number of strings.
 */
function backslashWithin(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i += 1) {
    if (bytes[i] === BACKSLASH) return i;
  }
  return -1;
}

/** The code unit of a `\\uXXXX` escape starting at `at`, or -1 for anything else. */
function unicodeEscapeAt(bytes: Uint8Array, at: number): number {
  return bytes[at] === BACKSLASH && bytes[at + 1] === LOWER_U ? hexUnit(bytes, at + 2) : -1;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The code unit of four hex digits at `at`, or -1 when they are not hex. */
function hexUnit(bytes: Uint8Array, at: number): number {
  let unit = 0;
  for (let k = at; k < at + 4; k += 1) {
    const digit = hexDigit(bytes[k]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

function hexDigit(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function duplicateProblem(pointer: string): StructureProblem {
  const message = 'must not repeat a member name within one object (RFC 8259 §4, I-JSON)';
  return { keyword: 'duplicateKey', message, pointer };
}

function surrogateProblem(pointer: string): StructureProblem {
  const message =
    'must not escape an unpaired surrogate (\\uD800-\\uDFFF): such a string has no UTF-8 form';
  return { keyword: 'unpairedSurrogate', message, pointer };
}

function stringProblem(limits: StructureLimits, pointer: string): StructureProblem {
  const chars = limits.maxStringBytes / MAX_BYTES_PER_CODE_POINT;
  return {
    keyword: 'maxLength',
    message: `must not contain a string longer than ${chars} characters`,
    pointer,
  };
}

function depthProblem(limits: StructureLimits, pointer: string): StructureProblem {
  const message = `must not nest arrays and objects more than ${limits.maxDepth} levels deep`;
  return { keyword: 'maxDepth', message, pointer };
}

function entryProblem(
  inObject: boolean,
  count: number,
  limits: StructureLimits,
): Omit<StructureProblem, 'pointer'> | undefined {
  const inArray = !inObject;
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
