import { isIntelrouteError } from '../../../src/core/errors';
import { selectorKey, selectorKeys, type SelectorKeyEntry } from '../../../src/services/links';
import { SECRET, vendorReport } from './link-fixtures';

const keysOf = (entries: readonly SelectorKeyEntry[], kind: string): Set<string> =>
  new Set(entries.filter((entry) => entry.kind === kind).map((entry) => entry.key));
const shared = (a: Set<string>, b: Set<string>): string[] => [...a].filter((key) => b.has(key));

describe('selectorKeys: the issue\u2019s case', () => {
  // FR reports the shop's URL; DE reports its e-mail address and its domain in capitals (as a
  // national system may hold it; the v1 schema would ask for lower case, the keys do not care).
  const fr = vendorReport({ urls: ['https://www.Example-Pharma.com/buy'] });
  const de = vendorReport({
    emails: ['sales@example-pharma.com'],
    domains: ['EXAMPLE-PHARMA.COM'],
  });

  it('links FR\u2019s and DE\u2019s reports through the domain key of example-pharma.com', () => {
    const frKeys = selectorKeys(fr, 'online-vendor-report', { secret: SECRET }).keys;
    const deKeys = selectorKeys(de, 'online-vendor-report', { secret: SECRET }).keys;
    const expected = selectorKey({ kind: 'domain', value: 'example-pharma.com' }, SECRET);
    expect(shared(keysOf(frKeys, 'domain'), keysOf(deKeys, 'domain'))).toEqual([expected]);
    expect(deKeys.filter((entry) => entry.key === expected).map((entry) => entry.field)).toEqual([
      '/domains/0',
      '/emails/0',
    ]);
  });

  it('links through the e-mail\u2019s own domain even when DE reports only the address', () => {
    const onlyEmail = vendorReport({ emails: ['Sales@Example-Pharma.com'] });
    const frKeys = selectorKeys(fr, 'online-vendor-report', { secret: SECRET }).keys;
    const deKeys = selectorKeys(onlyEmail, 'online-vendor-report', { secret: SECRET }).keys;
    expect(shared(keysOf(frKeys, 'domain'), keysOf(deKeys, 'domain'))).toHaveLength(1);
  });

  it('does not link two vendors through a shared free-mail domain', () => {
    const a = vendorReport({ emails: ['pills.shop@gmail.com'] });
    const b = vendorReport({ emails: ['tramadol4u@gmail.com'] });
    const aKeys = selectorKeys(a, 'online-vendor-report', { secret: SECRET }).keys;
    const bKeys = selectorKeys(b, 'online-vendor-report', { secret: SECRET }).keys;
    expect(shared(new Set(aKeys.map((k) => k.key)), new Set(bKeys.map((k) => k.key)))).toEqual([]);
  });
});

describe('selectorKey', () => {
  it('is HMAC-SHA-256(secret, kind NUL value) in lower-case hex (pinned with openssl)', () => {
    // printf 'domain\0example-pharma.com' | openssl dgst -sha256 -hmac 'intelroute-unit-test-network-key'
    expect(selectorKey({ kind: 'domain', value: 'example-pharma.com' }, SECRET)).toBe(
      '8bb3f434a29457202f29e16703cb677df0b3e5e2d91dbe83ded834c6cdf8153a',
    );
  });

  it('separates kinds: equal text as a handle and as an e-mail gives two keys', () => {
    expect(selectorKey({ kind: 'handle', value: 'x:a@b.com' }, SECRET)).not.toBe(
      selectorKey({ kind: 'email', value: 'x:a@b.com' }, SECRET),
    );
  });

  it('depends on the secret: another network secret gives another key', () => {
    const other = Buffer.alloc(32, 1);
    const selector = { kind: 'phone', value: '+33612345678' } as const;
    expect(selectorKey(selector, other)).not.toBe(selectorKey(selector, SECRET));
  });
});

describe('the network secret', () => {
  it.each([
    ['31 bytes', Buffer.alloc(31, 7)],
    ['empty', Buffer.alloc(0)],
    ['a string', 'x'.repeat(64)],
    ['missing', undefined],
  ])(
    'refuses a secret that is %s with LINK_SECRET_INVALID, before reading the payload',
    (_, secret) => {
      // A payload that throws when read: the secret must be refused before any read.
      const untouchable = new Proxy(
        {},
        {
          get: () => {
            throw new Error('payload read');
          },
        },
      );
      let thrown: unknown;
      try {
        selectorKeys(untouchable, 'online-vendor-report', { secret: secret as Buffer });
      } catch (error) {
        thrown = error;
      }
      expect(isIntelrouteError(thrown, 'LINK_SECRET_INVALID')).toBe(true);
    },
  );

  it('accepts exactly 32 bytes, as a Buffer or a plain Uint8Array, with the same keys', () => {
    const payload = vendorReport({ phones: ['+33612345678'] });
    const fromBuffer = selectorKeys(payload, 'online-vendor-report', { secret: SECRET });
    const fromArray = selectorKeys(payload, 'online-vendor-report', {
      secret: new Uint8Array(SECRET),
    });
    expect(fromBuffer.keys).toHaveLength(1);
    expect(fromArray).toEqual(fromBuffer);
  });

  it('refuses a short secret for a single key too', () => {
    expect(() => selectorKey({ kind: 'domain', value: 'a.com' }, Buffer.alloc(16))).toThrow(
      expect.objectContaining({ code: 'LINK_SECRET_INVALID' }),
    );
  });
});
