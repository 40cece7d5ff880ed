import {
  diffGrants,
  EMPTY_GRANTS,
  loadGrants,
  lookupGrant,
  ncbCopyCountries,
} from '../../../src/core/authorization';
import { isIntelrouteError, type IntelrouteError } from '../../../src/core/errors';
import { agency, ncb } from '../routing/routing-fixtures';
import { at, EXAMPLE_GRANTS, grants } from './authorization-fixtures';

function problemsOf(text: string, members?: ReadonlySet<string>): string[] {
  try {
    loadGrants(text, members === undefined ? {} : { memberCountries: members });
  } catch (error) {
    expect(isIntelrouteError(error, 'GRANTS_INVALID')).toBe(true);
    return (error as IntelrouteError).details.problems as string[];
  }
  throw new Error('expected loadGrants to throw');
}

describe('loadGrants', () => {
  it('loads the example table sorted, with defaults, deep-frozen', () => {
    expect(EXAMPLE_GRANTS.ncbs.map((entry) => entry.country)).toEqual(['BR', 'FR']);
    const br = EXAMPLE_GRANTS.ncbs[0];
    expect(br?.agencies[0]).toEqual({
      urn: 'urn:intelroute:agency:BR:pf-cyber',
      country: 'BR',
      agencyId: 'pf-cyber',
      publish: ['online-vendor-report', 'seizure-report', 'information-request'],
      read: { streams: [], messageTypes: [] },
      expiresAt: null,
      expiresAtMs: null,
    });
    expect(EXAMPLE_GRANTS.ncbs[1]?.agencies.map((grant) => grant.agencyId)).toEqual([
      'customs-dnred',
      'cyber-ofac',
    ]);
    expect(EXAMPLE_GRANTS.ncbs[1]?.agencies[1]?.expiresAtMs).toBe(at('2027-12-31T23:59:59Z'));
    expect(Object.isFrozen(EXAMPLE_GRANTS.ncbs[1]?.agencies[0]?.read.messageTypes)).toBe(true);
  });

  it('lists every problem: cross-border grants, repeats, unknown types, bad dates', () => {
    const problems = problemsOf(`
version: 1
ncbs:
  - country: FR
    agencies:
      - agency: urn:intelroute:agency:DE:bka
        publish: [seizure-report]
      - agency: urn:intelroute:agency:FR:douane
        publish: [seizure-report, gossip]
        expiresAt: '2027-01-01'
      - agency: urn:intelroute:agency:FR:douane
        publish: []
        read: { streams: [secretariat], messageTypes: [] }
  - country: FR
    copyAgencySends: yes-please
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /^\/ncbs\/0\/agencies\/1\/publish\/1: must be equal to one of the allowed values/,
      ),
      '/ncbs/0/agencies/1/expiresAt: must match format "date-time"',
      '/ncbs/0/agencies/2/read/streams/0: must be equal to one of the allowed values (country-inbox)',
      '/ncbs/0/agencies/2/read/messageTypes: must NOT have fewer than 1 items',
      '/ncbs/1/copyAgencySends: must be boolean',
      '/ncbs/0/agencies/0/agency: the NCB of FR may only grant agencies of FR',
      '/ncbs/0/agencies/2/agency: urn:intelroute:agency:FR:douane is already granted at /ncbs/0/agencies/1/agency',
      '/ncbs/1: FR is already /ncbs/0',
    ]);
  });

  it('checks NCB countries against the member list when given one', () => {
    const text = 'version: 1\nncbs:\n  - { country: KP }\n';
    expect(problemsOf(text, new Set(['FR']))).toEqual([
      '/ncbs/0/country: KP is not a member country',
    ]);
    expect(loadGrants(text).ncbs).toEqual([
      { country: 'KP', copyAgencySends: false, agencies: [] },
    ]);
  });

  it('refuses a malformed agency URN', () => {
    expect(
      problemsOf(
        'version: 1\nncbs:\n  - country: FR\n    agencies: [{ agency: "urn:intelroute:ncb:FR", publish: [] }]\n',
      ),
    ).toEqual([expect.stringMatching(/^\/ncbs\/0\/agencies\/0\/agency: must match pattern/)]);
  });
});

describe('grant lookup and NCB copies', () => {
  it('finds an active grant, an expired one, or none', () => {
    const ofac = agency('FR', 'cyber-ofac');
    expect(lookupGrant(EXAMPLE_GRANTS, ofac, at('2027-01-01T00:00:00Z')).status).toBe('active');
    expect(lookupGrant(EXAMPLE_GRANTS, ofac, at('2027-12-31T23:59:59Z')).status).toBe('expired');
    expect(lookupGrant(EXAMPLE_GRANTS, agency('DE', 'cyber-ofac'), 0).status).toBe('none');
    expect(lookupGrant(EXAMPLE_GRANTS, ncb('FR'), 0).status).toBe('none');
  });

  it('lists the countries whose NCB wants copies', () => {
    expect([...ncbCopyCountries(EXAMPLE_GRANTS)]).toEqual(['FR']);
    expect(ncbCopyCountries(EMPTY_GRANTS).size).toBe(0);
  });
});

describe('diffGrants', () => {
  const before = grants(`
version: 1
ncbs:
  - country: FR
    copyAgencySends: true
    agencies:
      - { agency: "urn:intelroute:agency:FR:a", publish: [seizure-report, online-vendor-report] }
      - { agency: "urn:intelroute:agency:FR:b", publish: [seizure-report] }
      - { agency: "urn:intelroute:agency:FR:c", publish: [seizure-report] }
`);

  it('is empty for identical tables, and ignores list order', () => {
    expect(diffGrants(before, before)).toEqual([]);
    const reordered = grants(`
version: 1
ncbs:
  - country: FR
    copyAgencySends: true
    agencies:
      - { agency: "urn:intelroute:agency:FR:c", publish: [seizure-report] }
      - { agency: "urn:intelroute:agency:FR:b", publish: [seizure-report] }
      - { agency: "urn:intelroute:agency:FR:a", publish: [online-vendor-report, seizure-report] }
`);
    expect(diffGrants(before, reordered)).toEqual([]);
  });

  it('reports copy, added, removed and changed agency scopes, in a stable order', () => {
    const after = grants(`
version: 1
ncbs:
  - country: BR
    agencies: [{ agency: "urn:intelroute:agency:BR:pf", publish: [seizure-report] }]
  - country: FR
    agencies:
      - agency: urn:intelroute:agency:FR:a
        publish: [seizure-report]
        read: { streams: [country-inbox], messageTypes: [seizure-report] }
        expiresAt: "2030-01-01T00:00:00Z"
      - { agency: "urn:intelroute:agency:FR:c", publish: [seizure-report] }
`);
    const changes = diffGrants(before, after);
    expect(
      changes.map((change) => [change.kind, 'urn' in change ? change.urn : change.country]),
    ).toEqual([
      ['agency-added', 'urn:intelroute:agency:BR:pf'],
      ['ncb-copy-changed', 'FR'],
      ['agency-changed', 'urn:intelroute:agency:FR:a'],
      ['agency-removed', 'urn:intelroute:agency:FR:b'],
    ]);
    expect(changes[1]).toEqual({
      kind: 'ncb-copy-changed',
      country: 'FR',
      before: true,
      after: false,
    });
    expect(changes[2]).toMatchObject({ fields: ['publish', 'read', 'expiresAt'] });
    expect(changes[3]).toMatchObject({ before: { agencyId: 'b' } });
  });

  it('treats a removed NCB as losing its copy setting and every agency', () => {
    expect(diffGrants(before, EMPTY_GRANTS).map((change) => change.kind)).toEqual([
      'ncb-copy-changed',
      'agency-removed',
      'agency-removed',
      'agency-removed',
    ]);
  });
});
