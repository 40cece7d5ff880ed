import fc from 'fast-check';
import {
  SELECTOR_KINDS,
  normaliseDomain,
  normaliseEmail,
  normaliseHandle,
  normalisePhone,
  normaliseTrackingNumber,
  normaliseWallet,
  selectorKey,
  type Normalised,
  type SelectorKind,
} from '../../../src/services/links';
import { BASE58_ALPHABET } from '../../../src/services/links/base58check';
import { encodeSegwitAddress } from '../../../src/services/links/bech32';
import { eip55 } from '../../../src/services/links/ethereum-address';
import { SECRET } from './link-fixtures';
import {
  domainSpelling,
  emailSpelling,
  ethereumHex,
  handleSpelling,
  monero,
  phoneSpelling,
  trackingSpelling,
  validWallet,
} from './link-arbitraries';

const keyOf = (kind: SelectorKind, result: Normalised): string => {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return selectorKey({ kind, value: result.value }, SECRET);
};
const key = (kind: SelectorKind, value: string): string => selectorKey({ kind, value }, SECRET);

describe('equivalent spellings map to one key', () => {
  it('domain: case, www./sub-domains, trailing dot, scheme, port, path, query, fragment', () => {
    fc.assert(
      fc.property(domainSpelling, ({ domain, spelling }) => {
        expect(keyOf('domain', normaliseDomain(spelling))).toBe(key('domain', domain));
      }),
    );
  });

  it('phone: spaces, dashes, dots and parentheses between digit groups', () => {
    fc.assert(
      fc.property(phoneSpelling, ({ e164, spelling }) => {
        expect(keyOf('phone', normalisePhone(spelling))).toBe(key('phone', e164));
      }),
    );
  });

  it('handle: case of platform and handle, leading @, surrounding spaces', () => {
    fc.assert(
      fc.property(handleSpelling, ({ value, platform, spelling }) => {
        expect(keyOf('handle', normaliseHandle(platform, spelling))).toBe(key('handle', value));
      }),
    );
  });

  it('email: case of local part and domain, surrounding spaces', () => {
    fc.assert(
      fc.property(emailSpelling, ({ value, spelling }) => {
        expect(keyOf('email', normaliseEmail(spelling))).toBe(key('email', value));
      }),
    );
  });

  it('tracking number: case, spaces and dashes in the number, case and spacing of the carrier', () => {
    fc.assert(
      fc.property(trackingSpelling, ({ value, number, carrier }) => {
        const result = normaliseTrackingNumber(number, carrier);
        expect(keyOf('tracking-number', result)).toBe(key('tracking-number', value));
      }),
    );
  });

  it('ethereum: checksummed, lower-case and upper-case spellings', () => {
    fc.assert(
      fc.property(ethereumHex, (hex) => {
        const expected = key('wallet', `ethereum:0x${hex}`);
        for (const spelling of [eip55(hex), `0x${hex}`, `0x${hex.toUpperCase()}`]) {
          expect(keyOf('wallet', normaliseWallet('ethereum', spelling))).toBe(expected);
        }
      }),
    );
  });

  it('bitcoin segwit: upper- and lower-case spellings of a v0 or v1 address', () => {
    const program = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(program, fc.constantFrom(0, 1), (bytes, version) => {
        const address = encodeSegwitAddress('bc', version, bytes);
        const expected = key('wallet', `bitcoin:${address}`);
        expect(keyOf('wallet', normaliseWallet('bitcoin', address.toUpperCase()))).toBe(expected);
      }),
    );
  });

  it('monero: an integrated address with any payment id keys like its standard address', () => {
    const keys = fc.uint8Array({ minLength: 64, maxLength: 64 });
    const paymentId = fc.uint8Array({ minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(keys, paymentId, (spendAndView, id) => {
        const standard = normaliseWallet('monero', monero(spendAndView));
        const integrated = normaliseWallet('monero', monero(spendAndView, 19, id));
        expect(keyOf('wallet', integrated)).toBe(keyOf('wallet', standard));
      }),
      { numRuns: 40 },
    );
  });
});

describe('typos are rejected, not linked', () => {
  it('every valid generated address of every chain is accepted in its normal form', () => {
    fc.assert(
      fc.property(validWallet, ({ chain, address, value }) => {
        expect(normaliseWallet(chain, address)).toEqual({ ok: true, value });
      }),
      { numRuns: 60 },
    );
  });

  it('bech32: any single-character substitution after the separator fails (BCH guarantee)', () => {
    const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
    const input = fc.tuple(
      fc.uint8Array({ minLength: 20, maxLength: 20 }),
      fc.nat(),
      fc.integer({ min: 1, max: 31 }),
    );
    fc.assert(
      fc.property(input, ([bytes, at, shift]) => {
        const address = encodeSegwitAddress('bc', 0, bytes);
        const i = 3 + (at % (address.length - 3));
        const replaced = charset[(charset.indexOf(address[i] ?? 'q') + shift) % 32] ?? 'q';
        const typo = address.slice(0, i) + replaced + address.slice(i + 1);
        expect(normaliseWallet('bitcoin', typo).ok).toBe(false);
      }),
    );
  });

  it('base58check: a single-character substitution fails the checksum', () => {
    const input = fc.tuple(validWallet, fc.nat(), fc.integer({ min: 1, max: 57 }));
    fc.assert(
      fc.property(input, ([{ chain, address }, at, shift]) => {
        fc.pre(['bitcoin', 'litecoin', 'tron'].includes(chain) && !address.startsWith('bc1'));
        const i = 1 + (at % (address.length - 1));
        const index = BASE58_ALPHABET.indexOf(address[i] ?? '1');
        const replaced = BASE58_ALPHABET[(index + shift) % 58] ?? '1';
        const typo = address.slice(0, i) + replaced + address.slice(i + 1);
        expect(normaliseWallet(chain, typo).ok).toBe(false);
      }),
    );
  });

  it('EIP-55: flipping the case of one letter of a checksummed mixed-case address fails', () => {
    fc.assert(
      fc.property(ethereumHex, fc.nat(), (hex, at) => {
        const address = eip55(hex);
        const letters = [...address.slice(2)].flatMap((c, i) =>
          /[a-fA-F]/.test(c) ? [i + 2] : [],
        );
        fc.pre(letters.length >= 2);
        const i = letters[at % letters.length] ?? 2;
        const char = address[i] ?? '';
        const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
        const typo = address.slice(0, i) + flipped + address.slice(i + 1);
        // A flip that leaves the 40 digits in one case makes an unchecksummed address, valid as such.
        const digits = typo.slice(2);
        fc.pre(digits !== digits.toLowerCase() && digits !== digits.toUpperCase());
        expect(normaliseWallet('ethereum', typo)).toEqual({
          ok: false,
          reason: 'checksum-mismatch',
        });
      }),
    );
  });
});

describe('distinct selectors do not collide', () => {
  it('distinct (kind, value) pairs get distinct keys', () => {
    const selector = fc.tuple(fc.constantFrom(...SELECTOR_KINDS), fc.string({ maxLength: 40 }));
    const pairs = fc.uniqueArray(selector, {
      minLength: 2,
      maxLength: 40,
      selector: ([kind, value]) => `${kind}\u0000${value}`,
    });
    fc.assert(
      fc.property(pairs, (list) => {
        const keys = list.map(([kind, value]) => key(kind, value));
        expect(new Set(keys).size).toBe(list.length);
      }),
    );
  });

  it('distinct registrable domains normalise to distinct values and keys', () => {
    fc.assert(
      fc.property(domainSpelling, domainSpelling, (a, b) => {
        fc.pre(a.domain !== b.domain);
        expect(keyOf('domain', normaliseDomain(a.spelling))).not.toBe(
          keyOf('domain', normaliseDomain(b.spelling)),
        );
      }),
    );
  });
});
