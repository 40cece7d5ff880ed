import { MESSAGE_TYPES } from '../../../src/contract/message-types';
import { extractSelectors, type Selector } from '../../../src/services/links';
import { SELECTOR_TYPES, fixture, validFixtures, vendorReport } from './link-fixtures';

const triples = (selectors: readonly Selector[]) =>
  selectors.map(({ kind, value, field }) => [kind, value, field]);

describe('extractSelectors: where each message type names selectors', () => {
  it('reads every identifier list of an online-vendor-report, in schema order', () => {
    const payload = vendorReport({
      urls: ['https://www.Example-Pharma.com/buy'],
      domains: ['mirror-pharma.net'],
      handles: [{ platform: 'telegram', handle: '@PharmaShop', venue: 'Example channel' }],
      emails: ['Sales@Example-Pharma.com'],
      phones: ['+33612345678'],
      wallets: [{ chain: 'ethereum', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' }],
    });
    expect(triples(extractSelectors(payload, 'online-vendor-report').selectors)).toEqual([
      ['domain', 'example-pharma.com', '/urls/0'],
      ['domain', 'mirror-pharma.net', '/domains/0'],
      ['handle', 'telegram:pharmashop', '/handles/0/handle'],
      ['email', 'sales@example-pharma.com', '/emails/0'],
      ['domain', 'example-pharma.com', '/emails/0'],
      ['phone', '+33612345678', '/phones/0'],
      ['wallet', 'ethereum:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', '/wallets/0/address'],
    ]);
  });

  it('reads a seizure report\u2019s parcel tracking numbers and its linked identifiers', () => {
    const result = extractSelectors(
      fixture('seizure-report', '01-express-hub-two-parcels.json'),
      'seizure-report',
    );
    expect(triples(result.selectors)).toEqual([
      ['tracking-number', 'example express:1Z999AA10123456784', '/parcels/0/tracking/number'],
      ['domain', 'rx-noscript.example.com', '/linkedIdentifiers/domains/0'],
      ['email', 'orders@rx-noscript.example.com', '/linkedIdentifiers/emails/0'],
      ['domain', 'rx-noscript.example.com', '/linkedIdentifiers/emails/0'],
      [
        'tracking-number',
        'example express:1Z999AA10123456784',
        '/linkedIdentifiers/trackingNumbers/0/number',
      ],
    ]);
    // CP987654321IN has the S10 shape but its check digit should be 6, not 1.
    expect(result.rejected).toEqual([
      {
        kind: 'tracking-number',
        field: '/parcels/1/tracking/number',
        reason: 'check-digit-mismatch',
      },
    ]);
  });

  it('reads an information request\u2019s identifiers but not the requesting official', () => {
    const payload = fixture('information-request', '01-wallet-tracing.json');
    const result = extractSelectors(payload, 'information-request');
    expect(triples(result.selectors)).toEqual([
      ['handle', 'darknet-market:greenleafpharmaeu', '/identifiers/handles/0/handle'],
      ['tracking-number', 'RR123456785CA', '/identifiers/trackingNumbers/0/number'],
    ]);
    const fields = [...result.selectors, ...result.rejected].map((s) => s.field);
    expect(fields.filter((field) => field.startsWith('/requestedBy'))).toEqual([]);
  });

  it('reads an information response\u2019s identifiersFound but not its follow-up contact', () => {
    const payload = {
      ...fixture('information-response', '01-found-with-answers.json'),
      followUpContact: { name: 'Mette Holm', email: 'm.holm@ncb.example.dk', phone: '+4570000123' },
    };
    expect(triples(extractSelectors(payload, 'information-response').selectors)).toEqual([
      ['phone', '+4570000456', '/identifiersFound/phones/0'],
      [
        'wallet',
        'ethereum:0xfa1ce0000000000000000000000000000000beef',
        '/identifiersFound/wallets/0/address',
      ],
    ]);
  });

  it.each(MESSAGE_TYPES.filter((type) => !(SELECTOR_TYPES as readonly string[]).includes(type)))(
    'finds nothing in any valid %s fixture (officials, references, link alerts)',
    (type) => {
      for (const [, payload] of validFixtures(type)) {
        expect(extractSelectors(payload, type)).toEqual({ selectors: [], rejected: [] });
      }
    },
  );

  it('never scans free text: a URL in the summary is no selector', () => {
    const payload = vendorReport({
      summary: 'Orders via https://hidden-pharma.com and sales@hidden-pharma.com',
      handles: [{ platform: 'x', handle: 'hidden' }],
    });
    expect(triples(extractSelectors(payload, 'online-vendor-report').selectors)).toEqual([
      ['handle', 'x:hidden', '/handles/0/handle'],
    ]);
  });

  it('ignores tracking numbers an online-vendor-report schema does not define', () => {
    const payload = vendorReport({ trackingNumbers: [{ number: 'RR123456785FR' }] });
    expect(extractSelectors(payload, 'online-vendor-report').selectors).toEqual([]);
  });
});

describe('extractSelectors: rejections', () => {
  it('reports a failed checksum with its field and reason, and keeps the other selectors', () => {
    const payload = vendorReport({
      wallets: [
        { chain: 'bitcoin', address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3' },
        { chain: 'bitcoin', address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' },
      ],
    });
    const result = extractSelectors(payload, 'online-vendor-report');
    expect(result.rejected).toEqual([
      { kind: 'wallet', field: '/wallets/0/address', reason: 'checksum-mismatch' },
    ]);
    expect(triples(result.selectors)).toEqual([
      ['wallet', 'bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '/wallets/1/address'],
    ]);
  });

  it('keeps a free-mail address but withholds its domain, without reporting that', () => {
    const result = extractSelectors(
      vendorReport({ emails: ['GreenLeaf@gmail.com'] }),
      'online-vendor-report',
    );
    expect(triples(result.selectors)).toEqual([['email', 'greenleaf@gmail.com', '/emails/0']]);
    expect(result.rejected).toEqual([]);
  });

  it('reports values of the wrong JSON type as malformed instead of throwing', () => {
    const payload = vendorReport({
      urls: 'https://example-pharma.com',
      phones: [33612345678],
      handles: [{ platform: 'telegram' }],
      wallets: [null],
    });
    expect(extractSelectors(payload, 'online-vendor-report').rejected).toEqual([
      { kind: 'domain', field: '/urls', reason: 'malformed' },
      { kind: 'handle', field: '/handles/0/handle', reason: 'malformed' },
      { kind: 'phone', field: '/phones/0', reason: 'malformed' },
      { kind: 'wallet', field: '/wallets/0/address', reason: 'malformed' },
    ]);
  });

  it('names nothing for a payload that is not an object or a type it does not know', () => {
    expect(extractSelectors(null, 'online-vendor-report')).toEqual({ selectors: [], rejected: [] });
    expect(extractSelectors(['x'], 'seizure-report')).toEqual({ selectors: [], rejected: [] });
    const payload = vendorReport({ domains: ['example-pharma.com'] });
    expect(extractSelectors(payload, 'no-such-type' as never)).toEqual({
      selectors: [],
      rejected: [],
    });
  });
});
