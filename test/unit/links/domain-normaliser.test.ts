import { normaliseDomain } from '../../../src/services/links';

const value = (input: string): string => {
  const result = normaliseDomain(input);
  if (!result.ok) throw new Error(`${input} refused: ${result.reason}`);
  return result.value;
};

describe('normaliseDomain', () => {
  it.each<[string, readonly string[]]>([
    [
      'example-pharma.com',
      [
        'https://www.Example-Pharma.com/buy',
        'EXAMPLE-PHARMA.COM',
        'shop.example-pharma.com.',
        'HTTP://example-pharma.com:8080/?q=tramadol#top',
        'http://user:secret@cdn.shop.example-pharma.com/img.png',
        '  example-pharma.com/buy  ',
        'http://ex%61mple-pharma.com/',
        'http://shop\u3002example-pharma\u3002com/', // ideographic full stops (UTS #46)
      ],
    ],
    ['foo.co.uk', ['foo.co.uk', 'https://www.foo.co.uk/', 'SHOP.FOO.CO.UK.']],
    ['xn--bcher-kva.de', ['bücher.de', 'https://www.BÜCHER.de/kaufen', 'xn--bcher-kva.de']],
  ])('maps every spelling of %s to it', (expected, spellings) => {
    for (const spelling of spellings) expect(value(spelling)).toBe(expected);
  });

  it('still reads Latin-1 host names after many calls (Node 20 URL.canParse fast path)', () => {
    // Enough calls for V8 to optimise the parser's call site, as in a busy link detector.
    for (let i = 0; i < 50_000; i += 1) normaliseDomain(`shop${i % 10}.example-pharma.com`);
    expect(value('https://www.BÜCHER.de/kaufen')).toBe('xn--bcher-kva.de');
    expect(value('café.fr')).toBe('xn--caf-dma.fr');
  });

  it('keeps sites on private public suffixes apart (GitHub Pages, Blogspot, Shopify)', () => {
    expect(value('https://shop1.github.io/')).toBe('shop1.github.io');
    expect(value('https://shop2.github.io/')).toBe('shop2.github.io');
    expect(value('pills.blogspot.com')).toBe('pills.blogspot.com');
    expect(value('https://rx-store.myshopify.com/products/x')).toBe('rx-store.myshopify.com');
  });

  it('reduces an onion service host to its onion address', () => {
    const onion = 'examplemarketabcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqr.onion';
    expect(value(`http://vendor.${onion}/listing`)).toBe(onion);
  });

  it('treats RFC 2606 documentation domains as suffixes, so fictional vendors stay apart', () => {
    expect(value('https://shop.research-chem.example.org/x')).toBe('research-chem.example.org');
    expect(value('rx-noscript.example.com')).toBe('rx-noscript.example.com');
    expect(value('xn--research-chm-9hb.example')).toBe('xn--research-chm-9hb.example');
    expect(normaliseDomain('https://example.com/')).toEqual({
      ok: false,
      reason: 'no-registrable-domain',
    });
  });

  it.each(['http://192.168.0.1/shop', 'http://3232235521/', 'http://[2001:db8::1]/', '10.0.0.1'])(
    'refuses the IP-address host of %s (link-alert v1 has no ip kind)',
    (input) => {
      expect(normaliseDomain(input)).toEqual({ ok: false, reason: 'ip-address-host' });
    },
  );

  it.each(['co.uk', 'com', 'localhost', 'github.io'])(
    'refuses %s: a public suffix or single label has no registrable domain',
    (input) => {
      expect(normaliseDomain(input)).toEqual({ ok: false, reason: 'no-registrable-domain' });
    },
  );

  it.each([
    'https://t.me/greenleaf_shop',
    'https://www.instagram.com/tramadol.fast/',
    'gmail.com',
    'https://mail.google.com/',
    'https://bit.ly/3xYz',
  ])('refuses the shared platform or free-mail domain of %s', (input) => {
    expect(normaliseDomain(input)).toEqual({ ok: false, reason: 'shared-domain' });
  });

  it.each([
    '',
    'mailto:sales@example-pharma.com',
    'ftp://example-pharma.com/',
    'sales@example-pharma.com',
    'a..b.com',
    '-shop.com',
    `${'x'.repeat(64)}.com`,
    'http://exa mple.com/',
    'example-pharma.com..',
  ])('refuses %j as invalid-domain', (input) => {
    expect(normaliseDomain(input)).toEqual({ ok: false, reason: 'invalid-domain' });
  });
});
