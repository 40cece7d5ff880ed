import {
  accessMatrix,
  authorizePublish,
  authorizeSubscribe,
  formatAccessMatrix,
  STREAM_NAMES,
  type AccessRow,
} from '../../../src/core/authorization';
import { ROLES, type Identity } from '../../../src/identity/identity';
import { MESSAGE_TYPES } from '../../../src/core/routing';
import { agency, envelope, ncb, ops, secretariat, system, wg } from '../routing/routing-fixtures';
import { at, EXAMPLE_GRANTS, NOW, POLICY } from './authorization-fixtures';

const COUNTRIES = ['FR', 'BR', 'DE'] as const;

/** The identities a matrix row stands for, one per country where the role has one. */
function identitiesOf(row: AccessRow): Identity[] {
  switch (row.role) {
    case 'ncb':
      return COUNTRIES.map(ncb);
    case 'wg':
      return COUNTRIES.map(wg);
    case 'agency': {
      const match = /^urn:intelroute:agency:([A-Z]{2}):(.+)$/.exec(row.subject);
      return match?.[1] && match[2]
        ? [agency(match[1], match[2])]
        : COUNTRIES.map((c) => agency(c, 'nobody'));
    }
    case 'secretariat':
      return [secretariat(), secretariat('drugs-unit')];
    case 'ops':
      return [ops()];
    case 'system':
      return [system()];
  }
}

const ownCountry = (identity: Identity): string => ('country' in identity ? identity.country : '');
const MATRIX = accessMatrix(POLICY, EXAMPLE_GRANTS, ROLES, NOW);

describe('accessMatrix', () => {
  it('has a row per role plus one per granted agency', () => {
    expect(MATRIX.map((row) => `${row.role} ${row.subject}`)).toEqual([
      'ncb *',
      'agency (no grant)',
      'agency urn:intelroute:agency:BR:pf-cyber',
      'agency urn:intelroute:agency:FR:customs-dnred',
      'agency urn:intelroute:agency:FR:cyber-ofac',
      'secretariat *',
      'wg *',
      'ops *',
      'system *',
    ]);
  });

  it.each(MATRIX.map((row) => [row.subject === '*' ? row.role : row.subject, row] as const))(
    'agrees with authorizePublish for %s on every message type',
    (_name, row) => {
      for (const identity of identitiesOf(row)) {
        for (const type of MESSAGE_TYPES) {
          const result = authorizePublish({
            identity,
            envelope: envelope({ type, from: identity }),
            policy: POLICY,
            grants: EXAMPLE_GRANTS,
            nowMs: NOW,
          });
          expect([identity.urn, type, result.kind]).toEqual([
            identity.urn,
            type,
            row.publish.includes(type) ? 'allowed' : 'refused',
          ]);
        }
      }
    },
  );

  it.each(MATRIX.map((row) => [row.subject === '*' ? row.role : row.subject, row] as const))(
    'agrees with authorizeSubscribe for %s on every stream and country',
    (_name, row) => {
      for (const identity of identitiesOf(row)) {
        for (const stream of STREAM_NAMES) {
          for (const country of ['', ...COUNTRIES]) {
            const result = authorizeSubscribe({
              identity,
              stream,
              country,
              grants: EXAMPLE_GRANTS,
              nowMs: NOW,
            });
            const own =
              stream === 'country-inbox' ? country === ownCountry(identity) : country === '';
            const expected = row.read.includes(stream) && own ? 'allowed' : 'refused';
            expect([identity.urn, stream, country, result.kind]).toEqual([
              identity.urn,
              stream,
              country,
              expected,
            ]);
          }
        }
      }
    },
  );

  it('shows an expired grant as no access when given the time, and notes expiry otherwise', () => {
    const later = accessMatrix(POLICY, EXAMPLE_GRANTS, ['agency'], at('2028-01-01T00:00:00Z'));
    expect(later.find((row) => row.subject.endsWith(':cyber-ofac'))).toMatchObject({
      publish: [],
      read: [],
    });
    const timeless = accessMatrix(POLICY, EXAMPLE_GRANTS, ['agency']);
    expect(timeless.find((row) => row.subject.endsWith(':cyber-ofac'))).toMatchObject({
      read: ['country-inbox'],
      note: expect.stringContaining('expires 2027-12-31T23:59:59Z'),
    });
  });

  it('narrows an agency to what both the policy and its grant allow', () => {
    const narrowPolicy = {
      ...POLICY,
      publish: { ...POLICY.publish, agency: ['seizure-report' as const] },
    };
    const rows = accessMatrix(narrowPolicy, EXAMPLE_GRANTS, ['agency'], NOW);
    expect(rows.find((row) => row.subject.endsWith(':customs-dnred'))?.publish).toEqual([
      'seizure-report',
    ]);
  });

  it('prints one aligned line per row under a header', () => {
    const lines = formatAccessMatrix(MATRIX).split('\n');
    expect(lines).toHaveLength(MATRIX.length + 2);
    expect(lines[0]).toMatch(/^role\s+\| subject\s+\| may publish\s+\| may read\s+\| note$/);
    expect(lines[1]).toMatch(/^-+(-\+-+)+$/);
    expect(lines.find((line) => line.startsWith('ops'))).toMatch(
      /^ops\s+\| \*\s+\| -\s+\| -\s+\| audit/,
    );
    expect(lines.find((line) => line.startsWith('wg'))).toContain('| working-group stream');
    expect(lines.find((line) => line.includes('customs-dnred'))).toContain(
      'own country inbox + broadcast (online-vendor-report, seizure-report, link-alert, training-event)',
    );
  });
});
