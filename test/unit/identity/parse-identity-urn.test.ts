import { isIntelrouteError } from '../../../src/core/errors';
import {
  formatIdentityUrn,
  parseIdentityUrn,
  type Identity,
  type IdentityUrnProblem,
} from '../../../src/identity';

/** The IDENTITY_INVALID reason `run` throws, or a failure if it throws anything else or nothing. */
function problemOf(run: () => unknown): IdentityUrnProblem {
  try {
    run();
  } catch (error) {
    if (isIntelrouteError(error, 'IDENTITY_INVALID')) {
      return error.details.reason as IdentityUrnProblem;
    }
    throw error;
  }
  throw new Error('expected IDENTITY_INVALID, nothing was thrown');
}

const NAME_63 = `a${'b'.repeat(61)}9`;

describe('parseIdentityUrn', () => {
  it.each<[string, Identity]>([
    ['urn:intelroute:ncb:FR', { role: 'ncb', country: 'FR', urn: 'urn:intelroute:ncb:FR' }],
    [
      'urn:intelroute:agency:FR:douane-1',
      {
        role: 'agency',
        country: 'FR',
        agencyId: 'douane-1',
        urn: 'urn:intelroute:agency:FR:douane-1',
      },
    ],
    [
      'urn:intelroute:secretariat',
      { role: 'secretariat', service: null, urn: 'urn:intelroute:secretariat' },
    ],
    [
      'urn:intelroute:secretariat:i247',
      { role: 'secretariat', service: 'i247', urn: 'urn:intelroute:secretariat:i247' },
    ],
    ['urn:intelroute:wg:BR', { role: 'wg', country: 'BR', urn: 'urn:intelroute:wg:BR' }],
    ['urn:intelroute:ops:alice', { role: 'ops', name: 'alice', urn: 'urn:intelroute:ops:alice' }],
    [
      'urn:intelroute:system:link-detector',
      { role: 'system', component: 'link-detector', urn: 'urn:intelroute:system:link-detector' },
    ],
    [
      `urn:intelroute:agency:FR:${NAME_63}`,
      {
        role: 'agency',
        country: 'FR',
        agencyId: NAME_63,
        urn: `urn:intelroute:agency:FR:${NAME_63}`,
      },
    ],
    ['urn:intelroute:ops:0', { role: 'ops', name: '0', urn: 'urn:intelroute:ops:0' }],
  ])('parses %s', (urn, identity) => {
    expect(parseIdentityUrn(urn)).toEqual(identity);
  });

  it.each<[string, string, IdentityUrnProblem]>([
    ['', 'empty', 'PREFIX'],
    ['urn:intelroute', 'prefix without its colon', 'PREFIX'],
    ['URN:intelroute:ncb:FR', 'upper-case scheme', 'PREFIX'],
    ['urn:Intelroute:ncb:FR', 'mixed-case namespace', 'PREFIX'],
    [' urn:intelroute:ncb:FR', 'leading space', 'PREFIX'],
    ['urn:other:ncb:FR', 'another namespace', 'PREFIX'],
    ['urn:intelroute:', 'no role', 'ROLE'],
    ['urn:intelroute:NCB:FR', 'upper-case role', 'ROLE'],
    ['urn:intelroute:police:FR', 'unknown role', 'ROLE'],
    ['urn:intelroute:constructor', 'an Object.prototype key as role', 'ROLE'],
    ['urn:intelroute:__proto__:FR', '__proto__ as role', 'ROLE'],
    ['urn:intelroute:ncb', 'ncb without country', 'PART_COUNT'],
    ['urn:intelroute:ncb:FR:extra', 'ncb with an extra part', 'PART_COUNT'],
    ['urn:intelroute:agency:FR', 'agency without id', 'PART_COUNT'],
    ['urn:intelroute:agency:FR:a:b', 'agency id with a colon', 'PART_COUNT'],
    ['urn:intelroute:secretariat:a:b', 'secretariat with two parts', 'PART_COUNT'],
    ['urn:intelroute:wg', 'wg without country', 'PART_COUNT'],
    ['urn:intelroute:ops', 'ops without name', 'PART_COUNT'],
    ['urn:intelroute:system', 'system without component', 'PART_COUNT'],
    ['urn:intelroute:ncb:', 'empty country', 'COUNTRY'],
    ['urn:intelroute:ncb:fr', 'lower-case country', 'COUNTRY'],
    ['urn:intelroute:ncb:Fr', 'mixed-case country', 'COUNTRY'],
    ['urn:intelroute:ncb:FRA', 'alpha-3 country', 'COUNTRY'],
    ['urn:intelroute:ncb:F', 'one-letter country', 'COUNTRY'],
    ['urn:intelroute:ncb:F1', 'digit in country', 'COUNTRY'],
    ['urn:intelroute:ncb:FR ', 'trailing space', 'COUNTRY'],
    ['urn:intelroute:ncb:FR\n', 'trailing newline', 'COUNTRY'],
    ['urn:intelroute:ncb:ÉS', 'non-ASCII letter', 'COUNTRY'],
    ['urn:intelroute:wg:br', 'lower-case wg country', 'COUNTRY'],
    ['urn:intelroute:agency:fr:douane', 'lower-case agency country', 'COUNTRY'],
    ['urn:intelroute:agency:FR:', 'empty agency id', 'NAME'],
    ['urn:intelroute:agency:FR:Douane', 'upper case in agency id', 'NAME'],
    ['urn:intelroute:agency:FR:-douane', 'agency id starting with a hyphen', 'NAME'],
    ['urn:intelroute:agency:FR:dou_ane', 'underscore in agency id', 'NAME'],
    ['urn:intelroute:agency:FR:dou.ane', 'dot in agency id', 'NAME'],
    ['urn:intelroute:secretariat:', 'empty secretariat service', 'NAME'],
    ['urn:intelroute:ops:alice bob', 'space in operator name', 'NAME'],
    ['urn:intelroute:ops:alice\n', 'trailing newline in a name', 'NAME'],
    ['urn:intelroute:system:link%2Ddetector', 'percent-encoding in a component', 'NAME'],
    [`urn:intelroute:ops:a${'b'.repeat(63)}`, 'a 64-character name', 'NAME'],
    [`urn:intelroute:agency:FR:a${'b'.repeat(63)}`, 'a 64-character agency id', 'TOO_LONG'],
    [`urn:intelroute:ncb:FR${' '.repeat(10_000)}`, 'a huge input', 'TOO_LONG'],
  ])('refuses %j (%s) with reason %s', (urn, _why, reason) => {
    expect(problemOf(() => parseIdentityUrn(urn))).toBe(reason);
  });

  it('refuses a non-string from JavaScript callers with IDENTITY_INVALID', () => {
    expect(problemOf(() => parseIdentityUrn(42 as unknown as string))).toBe('NOT_A_STRING');
  });

  it('names the offending part in its message and cuts long input', () => {
    expect(() => parseIdentityUrn('urn:intelroute:ncb:fr')).toThrow(/country "fr"/);
    const error = (() => {
      try {
        parseIdentityUrn(`urn:intelroute:ops:${'X'.repeat(65)}`);
      } catch (caught) {
        return caught as Error;
      }
      return new Error('nothing thrown');
    })();
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain('…');
  });
});

describe('formatIdentityUrn', () => {
  it.each([
    'urn:intelroute:ncb:FR',
    'urn:intelroute:agency:FR:douane',
    'urn:intelroute:secretariat',
    'urn:intelroute:secretariat:i247',
    'urn:intelroute:wg:BR',
    'urn:intelroute:ops:alice',
    'urn:intelroute:system:ledger',
  ])('gives back %s from its parsed identity', (urn) => {
    expect(formatIdentityUrn(parseIdentityUrn(urn))).toBe(urn);
  });

  it("builds the URN from the role's fields, not from the identity's own urn field", () => {
    expect(formatIdentityUrn({ role: 'ncb', country: 'DE', urn: 'urn:intelroute:ncb:FR' })).toBe(
      'urn:intelroute:ncb:DE',
    );
  });

  it.each<[string, Identity, IdentityUrnProblem]>([
    ['a lower-case country', { role: 'ncb', country: 'fr', urn: '' }, 'COUNTRY'],
    [
      'an agency id holding a colon',
      { role: 'agency', country: 'FR', agencyId: 'a:b', urn: '' },
      'PART_COUNT',
    ],
    [
      'a secretariat service holding a colon',
      { role: 'secretariat', service: 'a:b', urn: '' },
      'PART_COUNT',
    ],
    ['an empty secretariat service', { role: 'secretariat', service: '', urn: '' }, 'NAME'],
    ['an upper-case operator name', { role: 'ops', name: 'Alice', urn: '' }, 'NAME'],
    ['an unknown role', { role: 'root', urn: '' } as unknown as Identity, 'ROLE'],
  ])('refuses %s', (_why, identity, reason) => {
    expect(problemOf(() => formatIdentityUrn(identity))).toBe(reason);
  });
});
