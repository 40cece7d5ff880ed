/**
 * Static checks that a JSON Schema `pattern` matches in time bounded by the pattern itself,
 * whatever the length of the input (a payload string may be up to 1 MiB, and ajv with
 * `allErrors` evaluates `pattern` even when `maxLength` already failed).
 *
 * The rules are deliberately stricter than "no catastrophic backtracking":
 * - anchored with `^`, so the engine tries one start position only;
 * - no unbounded quantifier (`*`, `+`, `{n,}`): every repetition has an upper bound;
 * - no quantifier on a group, so there are no nested quantifiers and no alternation under a
 *   quantifier (alternation is allowed at group or top level);
 * - no back-references and no look-around;
 * - the product of the quantifiers' ranges (a bound on backtracking) stays under 1,000,000.
 */

/** Upper bound of the product of quantifier ranges. */
export const MAX_BACKTRACK_BUDGET = 1_000_000;

interface ScanState {
  readonly problems: string[];
  budget: number;
  prev: 'none' | 'atom' | 'group' | 'quantifier';
}

/** @returns the problems found in `pattern` (empty when it is safe). */
export function patternProblems(pattern: string): string[] {
  const problems: string[] = [];
  try {
    new RegExp(pattern, 'u');
  } catch {
    return ['does not compile as a unicode regular expression'];
  }
  if (!pattern.startsWith('^')) problems.push('is not anchored with ^');
  const state: ScanState = { problems, budget: 1, prev: 'none' };
  let i = 1;
  while (i < pattern.length) i = scanToken(pattern, i, state);
  if (state.budget > MAX_BACKTRACK_BUDGET) problems.push('has too large quantifier ranges');
  return problems;
}

function scanToken(p: string, i: number, state: ScanState): number {
  const c = p[i];
  if (c === '\\') return scanEscape(p, i, state);
  if (c === '[') {
    state.prev = 'atom';
    return classEnd(p, i) + 1;
  }
  if (c === '(') return scanGroupOpen(p, i, state);
  if (c === ')') {
    state.prev = 'group';
    return i + 1;
  }
  if (c === '*' || c === '+') {
    state.problems.push(`has an unbounded quantifier "${c}"`);
    return quantifier(i + 1, state, Number.POSITIVE_INFINITY);
  }
  if (c === '?') {
    if (state.prev === 'quantifier') return i + 1; // lazy modifier
    return quantifier(i + 1, state, 2);
  }
  if (c === '{') return scanBraces(p, i, state);
  state.prev = c === '|' ? 'none' : 'atom';
  return i + 1;
}

function scanEscape(p: string, i: number, state: ScanState): number {
  const next = p[i + 1] ?? '';
  state.prev = 'atom';
  if (/[1-9k]/.test(next)) state.problems.push('uses a back-reference');
  if (/[pPu]/.test(next) && p[i + 2] === '{') return Math.max(p.indexOf('}', i) + 1, i + 2);
  return i + 2;
}

function classEnd(p: string, start: number): number {
  let j = start + 1;
  while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
  return j;
}

function scanGroupOpen(p: string, i: number, state: ScanState): number {
  if (/^\(\?<?[=!]/.test(p.slice(i, i + 4))) state.problems.push('uses a look-around');
  state.prev = 'none';
  if (p.startsWith('(?:', i)) return i + 3;
  if (p.startsWith('(?<', i)) return Math.max(p.indexOf('>', i) + 1, i + 3);
  return i + 1;
}

function scanBraces(p: string, i: number, state: ScanState): number {
  const match = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24));
  if (match === null) {
    state.prev = 'atom';
    return i + 1;
  }
  const min = Number(match[1]);
  const hasComma = match[2] !== undefined;
  const max = hasComma ? (match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3])) : min;
  if (max === Number.POSITIVE_INFINITY) state.problems.push('has an unbounded quantifier "{n,}"');
  return quantifier(i + match[0].length, state, max - min + 1);
}

function quantifier(next: number, state: ScanState, range: number): number {
  if (state.prev === 'group') state.problems.push('has a quantified group');
  if (state.prev === 'quantifier') state.problems.push('has a doubled quantifier');
  if (Number.isFinite(range)) state.budget *= Math.max(range, 1); // unbounded: reported already
  state.prev = 'quantifier';
  return next;
}
