import { isIntelrouteError, type IntelrouteError } from '../../../src/core/errors';
import { loadRuleSet } from '../../../src/core/routing';
import { DEFAULT_RULES } from './routing-fixtures';

function problemsOf(text: string): string[] {
  try {
    loadRuleSet(text);
  } catch (error) {
    expect(isIntelrouteError(error, 'ROUTING_RULES_INVALID')).toBe(true);
    return (error as IntelrouteError).details.problems as string[];
  }
  throw new Error('expected loadRuleSet to throw');
}

describe('loadRuleSet', () => {
  it('loads the shipped rules deep-frozen', () => {
    expect(DEFAULT_RULES.rules.length).toBeGreaterThan(0);
    expect(Object.isFrozen(DEFAULT_RULES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RULES.rules[0]?.match)).toBe(true);
    const first = DEFAULT_RULES.rules[0];
    expect(first !== undefined && 'actions' in first && Object.isFrozen(first.actions)).toBe(true);
  });

  it('accepts JSON as well as YAML', () => {
    const set = loadRuleSet(
      JSON.stringify({
        version: 1,
        rules: [{ id: 'all', match: {}, actions: ['to-secretariat'] }],
      }),
    );
    expect(set.rules).toEqual([{ id: 'all', match: {}, actions: ['to-secretariat'] }]);
  });

  it('lists every problem of a bad file, schema and cross-field alike', () => {
    const problems = problemsOf(`
version: 2
extra: true
rules:
  - id: Bad_Id
    match: { messageTypes: [vendor-report], originKinds: [police], destinations: maybe }
    actions: [to-everyone, broadcast]
    refuse: { reason: RATE_LIMITED, message: no }
  - id: twice
    match: { payload: [{ pointer: "no-slash", equals: 1, exists: true }] }
    actions: []
  - id: twice
    match: { messageTypes: [seizure-report] }
  - id: destination
    match: {}
    actions: [to-secretariat]
  - id: late
    match: { messageTypes: [link-alert] }
    actions: [to-secretariat]
`);
    expect(problems).toEqual([
      '/: must NOT have additional properties "extra"',
      '/version: must be equal to constant (1)',
      '/rules/0/id: must match pattern "^[a-z0-9][a-z0-9-]{0,63}$"',
      expect.stringMatching(
        /^\/rules\/0\/match\/messageTypes\/0: must be equal to one of the allowed values \(online-vendor-report, /,
      ),
      '/rules/0/match/originKinds/0: must be equal to one of the allowed values (ncb, agency, secretariat, working-group-member, system)',
      '/rules/0/match/destinations: must be equal to one of the allowed values (present, absent)',
      expect.stringMatching(/^\/rules\/0\/actions\/0: must be equal to one of the allowed values/),
      '/rules/0/refuse/reason: must be equal to one of the allowed values (DESTINATION_REQUIRED, NO_RECIPIENT)',
      expect.stringMatching(/^\/rules\/1\/match\/payload\/0\/pointer: must match pattern/),
      '/rules/1/actions: must NOT have fewer than 1 items',
      '/rules/0: needs exactly one of "actions" or "refuse"',
      '/rules/1/match/payload/0: needs exactly one of "equals", "in" or "exists"',
      '/rules/2/id: "twice" is already the id of /rules/1',
      '/rules/2: needs exactly one of "actions" or "refuse"',
      '/rules/3/id: "destination" is reserved for the router\'s own route reasons',
      '/rules/4/match: never applies, /rules/3 matches first',
    ]);
  });

  it('reports a rule repeating an earlier match as never applying', () => {
    expect(
      problemsOf(`
version: 1
rules:
  - { id: a, match: { messageTypes: [seizure-report] }, actions: [to-secretariat] }
  - { id: b, match: { messageTypes: [seizure-report] }, actions: [broadcast] }
`),
    ).toEqual(['/rules/1/match: never applies, /rules/0 matches first']);
  });

  it('reports YAML syntax errors and empty or non-object documents', () => {
    expect(problemsOf('rules: [1,\n')[0]).toMatch(/^syntax: /);
    expect(problemsOf('')).toEqual(['/: must be object']);
    expect(problemsOf('version: 1\nrules: []\n')).toEqual([
      '/rules: must NOT have fewer than 1 items',
    ]);
  });

  it('says which file kind failed in the message', () => {
    expect(() => loadRuleSet('version: 1')).toThrow(
      /^invalid routing rules:\n {2}- \/: must have required property 'rules'$/,
    );
  });
});
