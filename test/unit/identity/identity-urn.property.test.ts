import fc from 'fast-check';
import { isIntelrouteError } from '../../../src/core/errors';
import { formatIdentityUrn, parseIdentityUrn, type Identity } from '../../../src/identity';

const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const country = fc.tuple(upper, upper).map(([a, b]) => a + b);
const nameHead = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const nameTail = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-');
const name = fc
  .tuple(nameHead, fc.array(nameTail, { maxLength: 62 }))
  .map(([head, tail]) => head + tail.join(''));

/** Every identity the URN grammar allows (the `urn` field is filled in by formatting). */
const identity: fc.Arbitrary<Identity> = fc
  .oneof(
    country.map((c) => ({ role: 'ncb' as const, country: c })),
    fc
      .tuple(country, name)
      .map(([c, id]) => ({ role: 'agency' as const, country: c, agencyId: id })),
    fc.option(name, { nil: null }).map((service) => ({ role: 'secretariat' as const, service })),
    country.map((c) => ({ role: 'wg' as const, country: c })),
    name.map((n) => ({ role: 'ops' as const, name: n })),
    name.map((component) => ({ role: 'system' as const, component })),
  )
  .map((fields) => ({ ...fields, urn: '' }) as Identity);

const validUrn = identity.map((value) => formatIdentityUrn(value));

/** Strings near the grammar (valid URNs with one character changed) and arbitrary text. */
const nearMiss = fc
  .tuple(validUrn, fc.nat(), fc.string({ unit: 'binary', maxLength: 2 }))
  .map(([urn, at, insert]) => {
    const index = at % (urn.length + 1);
    return urn.slice(0, index) + insert + urn.slice(index + 1);
  });
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: fc.constantFrom(...'urn:intelroutencbagyFRs-0 '), maxLength: 60 }),
  nearMiss,
);

describe('identity URNs (properties)', () => {
  it('formatIdentityUrn ∘ parseIdentityUrn is the identity on valid URNs', () => {
    fc.assert(
      fc.property(validUrn, (urn) => {
        expect(formatIdentityUrn(parseIdentityUrn(urn))).toBe(urn);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseIdentityUrn ∘ formatIdentityUrn gives back every field of a valid identity', () => {
    fc.assert(
      fc.property(identity, (value) => {
        const urn = formatIdentityUrn(value);
        expect(parseIdentityUrn(urn)).toEqual({ ...value, urn });
      }),
      { numRuns: 2000 },
    );
  });

  it('on any text, parseIdentityUrn either throws IDENTITY_INVALID or returns an identity that formats back to the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        let parsed: Identity;
        try {
          parsed = parseIdentityUrn(text);
        } catch (error) {
          expect(isIntelrouteError(error, 'IDENTITY_INVALID')).toBe(true);
          return;
        }
        expect(formatIdentityUrn(parsed)).toBe(text);
        expect(parsed.urn).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });
});
