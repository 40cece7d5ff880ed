import { normaliseHandle, normaliseTrackingNumber } from '../../../src/services/links';
import { s10CheckDigit } from '../../../src/services/links/tracking-normaliser';

describe('normaliseHandle', () => {
  it.each<[string, readonly (readonly [string, string])[]]>([
    [
      'telegram:greenleaf_shop',
      [
        ['telegram', '@GreenLeaf_Shop'],
        ['Telegram', 'greenleaf_shop'],
        [' TELEGRAM ', ' @@greenleaf_SHOP '],
      ],
    ],
    [
      'darknet-market:greenleafpharmaeu',
      [
        ['darknet-market', 'GreenLeafPharmaEU'],
        ['darknet-market', 'greenleafpharmaeu'],
      ],
    ],
    ['matrix:pills:example.org', [['matrix', '@Pills:example.org']]],
  ])('maps every spelling of %s to it', (expected, spellings) => {
    for (const [platform, handle] of spellings) {
      expect(normaliseHandle(platform, handle)).toEqual({ ok: true, value: expected });
    }
  });

  it('keeps one name on two platforms apart', () => {
    expect(normaliseHandle('telegram', 'greenleaf')).not.toEqual(
      normaliseHandle('instagram', 'greenleaf'),
    );
  });

  it('composes decomposed accents (NFC) but keeps full-width look-alikes apart (no NFKC)', () => {
    const composed = normaliseHandle('vk', 'apotheke_m\u00fcller');
    expect(normaliseHandle('vk', 'apotheke_mu\u0308ller')).toEqual(composed);
    expect(normaliseHandle('vk', '\uff47\uff52\uff45\uff45\uff4e')).not.toEqual(
      normaliseHandle('vk', 'green'),
    );
  });

  it('refuses platforms outside the schema enumeration and empty or spaced handles', () => {
    expect(normaliseHandle('myspace', 'x')).toEqual({ ok: false, reason: 'unknown-platform' });
    expect(normaliseHandle('telegram', '@')).toEqual({ ok: false, reason: 'invalid-handle' });
    expect(normaliseHandle('telegram', 'green leaf')).toEqual({
      ok: false,
      reason: 'invalid-handle',
    });
    expect(normaliseHandle('telegram', 'green\u200bleaf')).toEqual({
      ok: false,
      reason: 'invalid-handle',
    });
  });
});

describe('normaliseTrackingNumber', () => {
  it('computes UPU S10 check digits (RR123456785FR, the schemas\u2019 example)', () => {
    expect(s10CheckDigit('12345678')).toBe(5);
    expect(s10CheckDigit('00000000')).toBe(5); // remainder 0 → 11 → 5
  });

  it('drops the carrier of a valid S10 number (the number names its operator)', () => {
    const spellings = [
      ['RR123456785FR', undefined],
      ['rr 123 456 785 fr', 'La Poste'],
      ['RR-123456785-FR', 'Colissimo'],
    ] as const;
    for (const [number, carrier] of spellings) {
      expect(normaliseTrackingNumber(number, carrier)).toEqual({
        ok: true,
        value: 'RR123456785FR',
      });
    }
  });

  it('refuses an S10 number whose check digit is wrong', () => {
    expect(normaliseTrackingNumber('RR123456784FR')).toEqual({
      ok: false,
      reason: 'check-digit-mismatch',
    });
  });

  it('qualifies other numbers by their carrier, case- and space-folded', () => {
    const expected = { ok: true, value: 'example express:1Z999AA10123456784' };
    expect(normaliseTrackingNumber('1Z999AA10123456784', 'Example Express')).toEqual(expected);
    expect(normaliseTrackingNumber('1z 999 aa1 0123 4567 84', '  EXAMPLE   express ')).toEqual(
      expected,
    );
    expect(normaliseTrackingNumber('1Z999AA10123456784')).toEqual({
      ok: true,
      value: '1Z999AA10123456784',
    });
    expect(normaliseTrackingNumber('1Z999AA10123456784', 'Other Courier')).not.toEqual(expected);
  });

  it.each(['1234567', 'ABC/12345678', `${'9'.repeat(41)}`, 'straße12345'])(
    'refuses %j as invalid-tracking-number',
    (input) => {
      expect(normaliseTrackingNumber(input)).toEqual({
        ok: false,
        reason: 'invalid-tracking-number',
      });
    },
  );
});
