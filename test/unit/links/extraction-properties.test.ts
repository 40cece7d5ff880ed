import path from 'node:path';
import fc from 'fast-check';
import { MESSAGE_TYPES, type MessageType } from '../../../src/contract/message-types';
import {
  SELECTOR_KINDS,
  extractSelectors,
  selectorKey,
  selectorKeys,
  type SelectorKeysResult,
} from '../../../src/services/links';
import { loadSchemaRegistry, type SchemaRegistry } from '../../../src/core/validation';
import { SECRET, SELECTOR_TYPES, validFixtures } from './link-fixtures';
import {
  domainSpelling,
  phoneSpelling,
  registrableDomain,
  trackingSpelling,
  validWallet,
} from './link-arbitraries';

type SelectorType = (typeof SELECTOR_TYPES)[number];
type Json = Record<string, unknown>;

let registry: SchemaRegistry;
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: path.resolve(__dirname, '../../../schemas') });
});

// ---- schema-valid identifier lists ----------------------------------------------------------

const base58Text = fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{33}$/);
const wallet = fc.oneof(
  validWallet.map(({ chain, address }) => ({ chain, address })),
  base58Text.map((text) => ({ chain: 'bitcoin', address: `1${text}` })), // checksum fails
  base58Text.map((text) => ({ chain: 'tron', address: `T${text}`, asset: 'USDT' })),
);
const handle = fc.record(
  {
    platform: fc.constantFrom('telegram', 'instagram', 'darknet-market', 'x', 'other'),
    handle: fc.stringMatching(/^@?[A-Za-z0-9_.]{1,30}$/),
    venue: fc.constantFrom('Example Market', 'Example Forum'),
  },
  { requiredKeys: ['platform', 'handle'] },
);
const atom = fc.stringMatching(/^[a-z0-9_+-]{1,8}$/);
const email = fc
  .tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.oneof(registrableDomain, emailDomain()))
  .map(([atoms, domain]) => `${atoms.join('.')}@${domain}`);
const tracking = fc.oneof(
  trackingSpelling.map(({ value }) => ({ number: value.split(':')[1] ?? '', carrier: 'DHL' })),
  fc.stringMatching(/^[A-Z0-9]{8,40}$/).map((number) => ({ number })),
);
const lists = {
  urls: fc.uniqueArray(
    fc.oneof(
      domainSpelling.map(({ domain }) => `https://www.${domain}/shop?item=1`),
      fc.webUrl({ validSchemes: ['http', 'https'] }),
    ),
    { minLength: 1, maxLength: 4 },
  ),
  domains: fc.uniqueArray(
    registrableDomain.map((d) => `shop.${d}`),
    { minLength: 1, maxLength: 3 },
  ),
  handles: fc.array(handle, { minLength: 1, maxLength: 3 }),
  emails: fc.uniqueArray(email, { minLength: 1, maxLength: 3 }),
  phones: fc.uniqueArray(
    fc.oneof(
      phoneSpelling.map((p) => p.e164),
      fc.stringMatching(/^\+[1-9][0-9]{6,14}$/),
    ),
    { minLength: 1, maxLength: 3 },
  ),
  wallets: fc.array(wallet, { minLength: 1, maxLength: 4 }),
  trackingNumbers: fc.array(tracking, { minLength: 1, maxLength: 3 }),
};

function emailDomain(): fc.Arbitrary<string> {
  return fc.constantFrom('gmail.com', 'protonmail.com', 'mail.example-pharma.co.uk');
}

const someOf = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) =>
  fc.record(model, { requiredKeys: [] }).filter((block) => Object.keys(block).length > 0);
const { trackingNumbers: _noTracking, ...vendorLists } = lists;

/** A schema-valid payload of `type`: a valid fixture with generated identifier lists. */
function payloadOf(type: SelectorType): fc.Arbitrary<Json> {
  const base = fc.constantFrom(...validFixtures(type).map(([, payload]) => payload as Json));
  const parcel = fc.record(
    { service: fc.constantFrom('postal', 'express-courier'), tracking },
    { requiredKeys: ['service'] },
  );
  const changes: Record<SelectorType, fc.Arbitrary<Json>> = {
    'online-vendor-report': someOf(vendorLists),
    'seizure-report': fc.record(
      {
        linkedIdentifiers: someOf(lists),
        parcels: fc.array(parcel, { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    'information-request': someOf(lists).map((identifiers) => ({ identifiers })),
    'information-response': someOf(lists).map((identifiersFound) => ({
      identifiersFound,
      outcome: 'found',
      details: 'Found.',
    })),
  };
  return fc.tuple(base, changes[type]).map(([payload, change]) => ({ ...payload, ...change }));
}

// ---- where selectors sit, read from the schemas' structure ------------------------------------

const LEAF: Readonly<Record<string, string>> = {
  handles: '/handle',
  wallets: '/address',
  trackingNumbers: '/number',
};
const PARENTS: Readonly<Record<SelectorType, string>> = {
  'online-vendor-report': '',
  'seizure-report': '/linkedIdentifiers',
  'information-request': '/identifiers',
  'information-response': '/identifiersFound',
};

/** JSON pointers of every identifier item of a schema-valid payload. */
function selectorPositions(payload: Json, type: SelectorType): Set<string> {
  const parent = PARENTS[type];
  const block = (parent === '' ? payload : payload[parent.slice(1)]) as Json | undefined;
  const positions = new Set<string>();
  for (const [list, items] of Object.entries(block ?? {})) {
    if (!(list in lists) || !Array.isArray(items)) continue;
    if (type === 'online-vendor-report' && list === 'trackingNumbers') continue;
    items.forEach((_, i) => positions.add(`${parent}/${list}/${i}${LEAF[list] ?? ''}`));
  }
  const parcels = type === 'seizure-report' ? (payload.parcels as Json[] | undefined) : undefined;
  parcels?.forEach((p, i) => p.tracking && positions.add(`/parcels/${i}/tracking/number`));
  return positions;
}

function resolve(payload: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, segment) => (node as Record<string, unknown>)?.[segment], payload);
}

function expectOnlyKeys(result: SelectorKeysResult, positions: Set<string>): void {
  for (const entry of result.keys) {
    expect(Object.keys(entry).sort()).toEqual(['field', 'key', 'kind']);
    expect(entry.key).toMatch(/^[0-9a-f]{64}$/);
    expect(SELECTOR_KINDS).toContain(entry.kind);
    expect(positions.has(entry.field)).toBe(true);
  }
}

// ---- properties ------------------------------------------------------------------------------

describe.each(SELECTOR_TYPES)('selectorKeys on schema-valid %s payloads', (type) => {
  it('never throws, reads every identifier, and returns only kinds, keys and pointers', () => {
    fc.assert(
      fc.property(payloadOf(type), (payload) => {
        const schema = registry.validatorFor(type, 1);
        if (schema?.validate(payload) !== true) {
          throw new Error(
            `generator made an invalid ${type}: ${JSON.stringify(schema?.validate.errors)}`,
          );
        }
        const result = selectorKeys(payload, type, { secret: SECRET });
        const positions = selectorPositions(payload, type);
        expectOnlyKeys(result, positions);
        const seen = new Set([...result.keys, ...result.rejected].map((entry) => entry.field));
        expect(seen).toEqual(positions);
        for (const field of seen) {
          expect(typeof resolve(payload, field)).toBe('string');
          expect(field).toMatch(/^\/[A-Za-z0-9_/-]{1,255}$/); // link-alert selectorPaths
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keys exactly the extracted selectors, and no raw or normalised value leaks', () => {
    fc.assert(
      fc.property(payloadOf(type), (payload) => {
        const { selectors } = extractSelectors(payload, type);
        const { keys } = selectorKeys(payload, type, { secret: SECRET });
        expect(keys.map((k) => k.key)).toEqual(selectors.map((s) => selectorKey(s, SECRET)));
        const text = JSON.stringify(keys);
        const raw = [...selectorPositions(payload, type)].map((f) => String(resolve(payload, f)));
        for (const value of [...raw, ...selectors.map((s) => s.value)]) {
          if (value.length >= 8) expect(text).not.toContain(value);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('selectorKeys on any input', () => {
  it('never throws for any JSON value as the payload of any message type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MESSAGE_TYPES), fc.jsonValue(), (type, payload) => {
        expect(() => selectorKeys(payload, type as MessageType, { secret: SECRET })).not.toThrow();
      }),
    );
  });

  it('never throws when identifier lists and items hold arbitrary JSON', () => {
    const junk = fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 4 }));
    const mutated = fc.record({
      type: fc.constantFrom(...SELECTOR_TYPES),
      list: fc.constantFrom(...Object.keys(lists)),
      value: junk,
      nested: fc.boolean(),
    });
    fc.assert(
      fc.property(mutated, ({ type, list, value, nested }) => {
        const [, base] = validFixtures(type)[0] as [string, Json];
        const payload = nested
          ? { ...base, [PARENTS[type].slice(1) || 'x']: { [list]: value }, parcels: value }
          : { ...base, [list]: value };
        const result = selectorKeys(payload, type, { secret: SECRET });
        for (const entry of result.keys) expect(entry.key).toMatch(/^[0-9a-f]{64}$/);
      }),
    );
  });
});
