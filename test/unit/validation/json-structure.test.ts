import fc from 'fast-check';
import {
  findStructureProblem,
  structureLimitsFor,
} from '../../../src/core/validation/json-structure';

const limits = {
  maxDepth: 3,
  maxArrayItems: 3,
  maxObjectMembers: 2,
  maxStringBytes: 8,
  declaredNames: new Set(['a', 'b', 'c']),
};
const scan = (text: string) => findStructureProblem(Buffer.from(text), limits)?.keyword;
const where = (text: string) => findStructureProblem(Buffer.from(text), limits)?.pointer;
const roomy = { ...limits, maxDepth: 8, maxArrayItems: 8, maxObjectMembers: 8, maxStringBytes: 64 };
const strict = (text: string) => findStructureProblem(Buffer.from(text), roomy);

describe('findStructureProblem', () => {
  test('accepts documents within every limit', () => {
    expect(scan('{"a":[1,2,3],"b":{"c":[]}}')).toBeUndefined();
  });
  test('counts nesting of arrays and objects alike', () => {
    expect(scan('[{"a":[1]}]')).toBeUndefined();
    expect(scan('[{"a":[[1]]}]')).toBe('maxDepth');
  });
  test('counts the entries of each array and object separately', () => {
    expect(scan('[[1,2,3],[1,2,3],[1,2,3]]')).toBeUndefined();
    expect(scan('[1,2,3,4]')).toBe('maxItems');
    expect(scan('{"a":1,"b":2,"c":3}')).toBe('maxProperties');
  });
  test('ignores structural characters and commas inside strings', () => {
    expect(scan('["[[[[",",,,,"]')).toBeUndefined();
  });
  test('handles escaped quotes and runs of backslashes', () => {
    expect(scan('["\\"[[[["]')).toBeUndefined(); // "\"[[[[" is one string
    expect(scan('["a\\\\",[[[1]]]]')).toBe('maxDepth'); // "a\\" ends before the brackets
  });
  test('refuses a string longer than maxStringBytes, even unterminated', () => {
    expect(scan('["12345678"]')).toBeUndefined();
    expect(scan('["123456789"]')).toBe('maxLength');
    expect(scan('["123456789')).toBe('maxLength');
  });
});

describe('findStructureProblem on member names and escapes', () => {
  test('refuses a member name repeated in one object, naming where', () => {
    expect(strict('{"a":"DE","b":1,"a":"FR"}')).toMatchObject({
      keyword: 'duplicateKey',
      pointer: '/a',
    });
    expect(strict('{"a":[{"c":1},{"b":1,"c":2,"b":3}]}')).toMatchObject({
      keyword: 'duplicateKey',
      pointer: '/a/1/b',
    });
  });
  test('compares names as JSON.parse reads them, escapes resolved', () => {
    expect(strict('{"a":1,"\\u0061":2}')?.keyword).toBe('duplicateKey');
  });
  test('finds a repeated name exactly when JSON.parse would read two alike, whatever the spelling', () => {
    // Spellings of a few names: plain ASCII, escaped, UTF-8 and escaped non-ASCII, a backslash.
    const spellings = ['a', '\\u0061', 'ab', 'a\\u0062', 'é', '\\u00e9', 'É', '\\\\', '\\u005c'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...spellings), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (names, asView) => {
          const text = `{${names.map((name, i) => `"${name}":${i}`).join(',')}}`;
          const read = names.map((name) => JSON.parse(`"${name}"`) as string);
          const repeated = new Set(read).size < read.length;
          const bytes = Buffer.from(text, 'utf8');
          // A plain Uint8Array (no Buffer methods) takes the decoder's way.
          const input = asView ? new Uint8Array(bytes) : bytes;
          expect(findStructureProblem(input, roomy)?.keyword === 'duplicateKey').toBe(repeated);
        },
      ),
      { numRuns: 500 },
    );
  });
  test('accepts the same name in different objects, and names that only look alike', () => {
    expect(strict('{"a":{"a":1},"b":{"a":2},"c":[{"a":1},{"a":1}]}')).toBeUndefined();
    expect(strict('{"a":1,"A":2,"a ":3}')).toBeUndefined();
    expect(strict('{"a":"a","b":"a"}')).toBeUndefined(); // values are not names
  });
  test('never names a member the schema does not declare (it is payload content)', () => {
    expect(strict('{"a":{"secret-name":{"x":1,"x":2}}}')?.pointer).toBe('/a');
    expect(strict('{"secret":1,"secret":2}')?.pointer).toBe('');
  });
  test('refuses an escaped surrogate without its pair, in values and names', () => {
    expect(strict('["\\ud800"]')).toMatchObject({ keyword: 'unpairedSurrogate', pointer: '/0' });
    expect(strict('["\\udc00\\ud800"]')?.keyword).toBe('unpairedSurrogate');
    expect(strict('["\\ud800x\\udc00"]')?.keyword).toBe('unpairedSurrogate');
    expect(strict('{"a":"ok","\\uDBFF":1}')).toMatchObject({
      keyword: 'unpairedSurrogate',
      pointer: '',
    });
  });
  test('accepts surrogate pairs and escaped backslashes before a u', () => {
    expect(strict('["\\ud83d\\ude00", "\\uD83D\\uDE00"]')).toBeUndefined();
    expect(strict('["\\\\ud800"]')).toBeUndefined(); // an escaped backslash, then "ud800"
    expect(strict('["\\u00e9\\n\\"x"]')).toBeUndefined();
  });
  test('locates shape problems too', () => {
    expect(where('{"a":[1,2,3,4]}')).toBe('/a');
  });
});

test('structureLimitsFor derives the limits from the schema, with slack', () => {
  const schema = {
    type: 'object',
    properties: {
      a: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 50 } },
      b: { type: 'object', properties: { x: {}, y: {}, z: {} } },
    },
  };
  expect(structureLimitsFor(schema)).toEqual({
    maxDepth: 32,
    maxArrayItems: 40,
    maxObjectMembers: 12,
    maxStringBytes: 600,
    declaredNames: new Set(['a', 'b', 'x', 'y', 'z']),
  });
});
