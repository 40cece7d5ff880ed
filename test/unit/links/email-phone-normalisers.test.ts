import { normaliseEmail, normalisePhone } from '../../../src/services/links';

describe('normaliseEmail', () => {
  it.each<[string, readonly string[]]>([
    [
      'sales@example-pharma.com',
      ['sales@example-pharma.com', 'Sales@Example-Pharma.COM', '  SALES@EXAMPLE-PHARMA.COM. '],
    ],
    ['vendor@xn--bcher-kva.de', ['vendor@bücher.de', 'Vendor@BÜCHER.DE']],
    // Gmail: sub-addressing and dots ignored, googlemail.com is the same service.
    [
      'greenleaf@gmail.com',
      ['greenleaf@gmail.com', 'Green.Leaf+fr@gmail.com', 'green.leaf+de@googlemail.com'],
    ],
    ['pills@outlook.com', ['pills@outlook.com', 'pills+orders@Outlook.com']],
  ])('maps every spelling of %s to it', (expected, spellings) => {
    for (const spelling of spellings) {
      expect(normaliseEmail(spelling)).toEqual({ ok: true, value: expected });
    }
  });

  it('keeps +tags and dots at domains not known to ignore them (they may be other mailboxes)', () => {
    expect(normaliseEmail('a+b@example-pharma.com')).toEqual({
      ok: true,
      value: 'a+b@example-pharma.com',
    });
    expect(normaliseEmail('a.b@outlook.com')).toEqual({ ok: true, value: 'a.b@outlook.com' });
  });

  it.each([
    '@example.com',
    'sales@',
    'sales',
    'sales@localhost',
    'sales@192.168.0.1',
    'sales@[192.168.0.1]',
    'sa les@example.com',
    'a@b@example.com',
    '+only-a-tag@gmail.com',
    `${'x'.repeat(65)}@example.com`,
    'sales@exa..mple.com',
  ])('refuses %j as invalid-email', (input) => {
    expect(normaliseEmail(input)).toEqual({ ok: false, reason: 'invalid-email' });
  });
});

describe('normalisePhone', () => {
  it.each<[string, readonly string[]]>([
    [
      '+33612345678',
      [
        '+33612345678',
        '+33 6 12 34 56 78',
        '+33.6.12.34.56.78',
        '+33 (6) 12-34-56-78',
        '+33 06 12 34 56 78', // trunk 0 written after the country code
        '\uff0b\uff13\uff13\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18', // full-width
      ],
    ],
    ['+442079460018', ['+44 (0)20 7946 0018', '+44 20 7946 0018', '+442079460018']],
    ['+15555550123', ['+1 (555) 555-0123', '+1 555 555 0123 ext. 45', '+1-555-555-0123']],
    ['+390612345678', ['+39 06 1234 5678', '+390612345678']], // Italian 0 is significant
  ])('maps every spelling of %s to it', (expected, spellings) => {
    for (const spelling of spellings) {
      expect(normalisePhone(spelling)).toEqual({ ok: true, value: expected });
    }
  });

  it('reads a number without + in the default region only when one is given', () => {
    expect(normalisePhone('06 12 34 56 78', 'FR')).toEqual({ ok: true, value: '+33612345678' });
    expect(normalisePhone('06 12 34 56 78')).toEqual({ ok: false, reason: 'invalid-phone' });
    expect(normalisePhone('06 12 34 56 78', 'ZZ')).toEqual({ ok: false, reason: 'invalid-phone' });
  });

  it.each(['', 'call me', '+999 123 456', 'tel:+33612345678', '+33612345678 or later'])(
    'refuses %j as invalid-phone',
    (input) => {
      expect(normalisePhone(input)).toEqual({ ok: false, reason: 'invalid-phone' });
    },
  );

  it('refuses a number of a length its country never uses as impossible-phone', () => {
    expect(normalisePhone('+331234')).toEqual({ ok: false, reason: 'impossible-phone' });
  });
});
