/**
 * fast-check generators for the link property tests: selectors in canonical form, with
 * equivalent spellings of each, and schema-valid identifier lists.
 */
import fc from 'fast-check';
import { parse } from 'tldts';
import { HANDLE_PLATFORMS, SHARED_DOMAINS } from '../../../src/services/links';
import { encodeBase58Check } from '../../../src/services/links/base58check';
import { encodeSegwitAddress } from '../../../src/services/links/bech32';
import { eip55 } from '../../../src/services/links/ethereum-address';
import { keccak256 } from '../../../src/services/links/keccak';
import { encodeMoneroBase58 } from '../../../src/services/links/monero-address';

/** Flips the case of the characters whose flag is set (cycling through the flags). */
export function flipCase(text: string, flags: readonly boolean[]): string {
  if (flags.length === 0) return text;
  return [...text]
    .map((char, i) => (flags[i % flags.length] === true ? swap(char) : char))
    .join('');
}

function swap(char: string): string {
  const upper = char.toUpperCase();
  return char === upper ? char.toLowerCase() : upper;
}

const caseFlags = fc.array(fc.boolean(), { minLength: 1, maxLength: 16 });
const label = fc
  .stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/)
  .filter((text) => !/^..--/.test(text)); // `xn--` and the like are punycode labels
const suffix = fc.constantFrom('com', 'org', 'net', 'de', 'fr', 'co.uk', 'com.br', 'nl', 'onion');

/**
 * A registrable domain (eTLD+1) that is not a shared domain. Checked against the Public Suffix
 * List as the normaliser reads it (private section included): `de.com` or `uk.com` are suffixes
 * there, not registrable domains, and a random label can land on one.
 */
export const registrableDomain = fc
  .tuple(label, suffix)
  .map(([name, tld]) => `${name}.${tld}`)
  .filter((domain) => !SHARED_DOMAINS.has(domain))
  .filter((domain) => parse(domain, { allowPrivateDomains: true }).domain === domain);

/** A registrable domain and one URL or host spelling of it. */
export const domainSpelling = fc
  .record({
    domain: registrableDomain,
    sub: fc.constantFrom('', 'www.', 'shop.', 'm.cdn.'),
    dot: fc.boolean(),
    scheme: fc.constantFrom('', 'http://', 'https://', 'HTTPS://'),
    port: fc.constantFrom('', ':8080', ':443'),
    rest: fc.tuple(fc.webPath(), fc.webQueryParameters(), fc.webFragments()),
    flags: caseFlags,
    pad: fc.constantFrom('', ' ', '\t'),
  })
  .map(({ domain, sub, dot, scheme, port, rest: [path, query, fragment], flags, pad }) => {
    const tail = `${path}${query === '' ? '' : `?${query}`}${fragment === '' ? '' : `#${fragment}`}`;
    const url = `${scheme}${sub}${domain}${dot ? '.' : ''}${port}${tail}`;
    return { domain, spelling: `${pad}${flipCase(url, flags)}${pad}` };
  });

/** An E.164 number whose national part has a fixed, possible length, and a formatted spelling. */
export const phoneSpelling = fc
  .record({
    plan: fc.constantFrom(
      { code: '33', lead: '6', digits: 8 }, // France, mobile
      { code: '1', lead: '2', digits: 9 }, // North America
      { code: '44', lead: '7', digits: 9 }, // United Kingdom, mobile
      { code: '49', lead: '30', digits: 8 }, // Germany, Berlin
    ),
    digits: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }),
    cuts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 6, maxLength: 6 }),
    separators: fc.array(fc.constantFrom(' ', '-', '.', ''), { minLength: 6, maxLength: 6 }),
    bracketFirst: fc.boolean(),
  })
  .map(({ plan, digits, cuts, separators, bracketFirst }) => {
    const national = plan.lead + digits.slice(0, plan.digits).join('');
    const groups = group(national, cuts);
    if (bracketFirst && groups.length > 1) groups[0] = `(${groups[0] ?? ''})`;
    const body = groups.reduce((text, part, i) =>
      i === 0 ? part : text + separators[i % 6] + part,
    );
    return { e164: `+${plan.code}${national}`, spelling: `+${plan.code} ${body}` };
  });

function group(text: string, cuts: readonly number[]): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; rest.length > 0; i += 1) {
    const size = cuts[i % cuts.length] ?? 2;
    parts.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  return parts;
}

/** A handle on a platform, its canonical value and one spelling. */
export const handleSpelling = fc
  .record({
    platform: fc.constantFrom(...HANDLE_PLATFORMS),
    handle: fc.stringMatching(/^[a-z0-9_.]{1,30}$/),
    at: fc.constantFrom('', '@', '@@'),
    flags: caseFlags,
    platformFlags: caseFlags,
    pad: fc.constantFrom('', ' '),
  })
  .map(({ platform, handle, at, flags, platformFlags, pad }) => ({
    value: `${platform}:${handle}`,
    platform: flipCase(platform, platformFlags),
    spelling: `${pad}${at}${flipCase(handle, flags)}${pad}`,
  }));

/** An e-mail address at a non-shared domain, and a case- and space-varied spelling. */
export const emailSpelling = fc
  .record({
    local: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
    domain: registrableDomain,
    flags: caseFlags,
    pad: fc.constantFrom('', ' '),
  })
  .map(({ local, domain, flags, pad }) => ({
    value: `${local}@${domain}`,
    spelling: `${pad}${flipCase(`${local}@${domain}`, flags)}${pad}`,
  }));

/** A non-S10 tracking number and carrier, and a spelling with separators and other case. */
export const trackingSpelling = fc
  .record({
    number: fc.stringMatching(/^[A-Z0-9]{8,30}$/).filter((n) => !/^[A-Z]{2}\d{9}[A-Z]{2}$/.test(n)),
    carrier: fc.constantFrom('DHL Express', 'La Poste', 'Example Courier'),
    cuts: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 3 }),
    separator: fc.constantFrom(' ', '-', ''),
    flags: caseFlags,
  })
  .map(({ number, carrier, cuts, separator, flags }) => ({
    value: `${carrier.toLowerCase()}:${number}`,
    number: flipCase(group(number, cuts).join(separator), flags),
    carrier: `  ${flipCase(carrier, flags).replace(' ', '   ')} `,
  }));

const bytes20 = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b));

/** An Ethereum address as 40 lower-case hex digits. */
export const ethereumHex = bytes20.map((b) => b.toString('hex'));

/** A valid address of each chain (from random key material) with its normal form. */
export const validWallet: fc.Arbitrary<{ chain: string; address: string; value: string }> =
  fc.oneof(
    bytes20.map((b) => wallet('bitcoin', encodeBase58Check(0x00, b))),
    bytes20.map((b) => wallet('bitcoin', encodeSegwitAddress('bc', 0, b))),
    bytes20.map((b) => wallet('litecoin', encodeBase58Check(0x30, b))),
    bytes20.map((b) => wallet('tron', encodeBase58Check(0x41, b))),
    ethereumHex.map((hex) => ({ ...wallet('ethereum', eip55(hex)), value: `ethereum:0x${hex}` })),
    fc.uint8Array({ minLength: 64, maxLength: 64 }).map((keys) => wallet('monero', monero(keys))),
  );

function wallet(chain: string, address: string) {
  return { chain, address, value: `${chain}:${address}` };
}

/** A Monero address of `prefix` (18 standard, 19 integrated) over `keys` and an optional id. */
export function monero(keys: Uint8Array, prefix = 18, paymentId = new Uint8Array(0)): string {
  const body = Buffer.concat([Buffer.from([prefix]), keys, paymentId]);
  return encodeMoneroBase58(Buffer.concat([body, keccak256(body).subarray(0, 4)]));
}
