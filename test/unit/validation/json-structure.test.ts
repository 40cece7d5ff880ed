import { findStructureProblem, structureLimitsFor } from '../../../src/validation/json-structure';

const limits = { maxDepth: 3, maxArrayItems: 3, maxObjectMembers: 2, maxStringBytes: 8 };
const scan = (text: string) => findStructureProblem(Buffer.from(text), limits)?.keyword;

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
  });
});
