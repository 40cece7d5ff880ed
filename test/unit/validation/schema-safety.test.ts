import { lintSchema, patternProblems } from '../../../src/core/validation';

describe('patternProblems', () => {
  test.each([
    '^[A-Z]{2}$',
    '^\\+[1-9][0-9]{6,14}$',
    '^(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{39,59})$',
    '^[hH][tT][tT][pP][sS]?://\\S{3,2040}$',
    '^\\P{Cc}{1,200}$',
    '^[^\\s\\p{C}]{1,128}$',
  ])('accepts %s', (pattern) => {
    expect(patternProblems(pattern)).toEqual([]);
  });
  test.each([
    ['^(a+)+$', 'has an unbounded quantifier "+"'],
    ['^a*b$', 'has an unbounded quantifier "*"'],
    ['^a{2,}$', 'has an unbounded quantifier "{n,}"'],
    ['^(?:ab|a){1,9}$', 'has a quantified group'],
    ['^(?:a{1,3}){1,3}$', 'has a quantified group'],
    ['[a-z]{1,3}$', 'is not anchored with ^'],
    ['^(a)\\1$', 'uses a back-reference'],
    ['^(?=a)a$', 'uses a look-around'],
    ['^[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}$', 'has too large quantifier ranges'],
    ['^[a-z', 'does not compile as a unicode regular expression'],
  ])('refuses %s: %s', (pattern, problem) => {
    expect(patternProblems(pattern)).toContain(problem);
  });
  test('does not mistake escaped or class characters for quantifiers', () => {
    expect(patternProblems('^[*+?{}()]{1,4}\\*\\+\\{$')).toEqual([]);
  });
});

describe('lintSchema', () => {
  test('reports each house rule at its schema pointer', () => {
    const problems = lintSchema({
      type: 'object',
      properties: {
        text: { type: 'string' },
        list: { type: 'array', items: { type: 'object', additionalProperties: false } },
        tags: { type: 'array', maxItems: 3, uniqueItems: true, items: { $ref: '#/$defs/tag' } },
        site: { type: 'string', maxLength: 10, format: 'idn-hostname' },
      },
    });
    expect(problems).toEqual([
      '#: object without "additionalProperties": false',
      '#/properties/text: string without maxLength',
      '#/properties/list: array without maxItems',
      '#/properties/tags: uniqueItems on items without a scalar "type"',
      '#/properties/site: format "idn-hostname" is not one of the guarded formats',
    ]);
  });
  test('lets refinements under if/then/allOf rely on their parent’s limits, not skip pattern rules', () => {
    const problems = lintSchema({
      type: 'object',
      additionalProperties: false,
      properties: { id: { type: 'string', maxLength: 9 } },
      allOf: [{ then: { properties: { id: { type: 'string', pattern: '^a+$' } } } }],
    });
    expect(problems).toEqual([
      '#/allOf/0/then/properties/id: pattern has an unbounded quantifier "+"',
    ]);
  });
});
