import { OriginKind } from '../../../src/contract/generated/intelroute/v1/envelope';
import { findRule } from '../../../src/core/routing';
import { resolvePointer } from '../../../src/core/routing/json-pointer';
import { agency, envelope, ncb, rules, to, wg } from './routing-fixtures';

const RULES = rules(`
version: 1
rules:
  - id: urgent-wallets
    match:
      messageTypes: [online-vendor-report]
      payload:
        - { pointer: /wallets/0, exists: true }
        - { pointer: /severity, in: [high, critical] }
    actions: [to-secretariat]
  - id: v2-from-agencies-of-br
    match: { schemaVersions: [2], originKinds: [agency], originCountries: [BR] }
    actions: [to-secretariat]
  - id: named
    match: { destinations: present }
    actions: [to-destinations]
  - id: odd-key
    match: { payload: [{ pointer: /a~1b/~0c, equals: { x: [1, 2] } }] }
    actions: [to-secretariat]
  - id: no-tags
    match: { payload: [{ pointer: /tags, exists: false }] }
    actions: [to-working-group]
  - id: fallback
    match: {}
    actions: [to-secretariat]
`);

const idFor = (spec: Parameters<typeof envelope>[0], payload: unknown): string | undefined =>
  findRule(RULES, envelope(spec), payload)?.id;

describe('rule matching (first match wins)', () => {
  it('takes the first rule whose every condition holds', () => {
    const payload = { wallets: ['bc1q'], severity: 'critical' };
    expect(idFor({ destinations: [to('DE')] }, payload)).toBe('urgent-wallets');
    expect(idFor({ destinations: [to('DE')] }, { ...payload, severity: 'low' })).toBe('named');
    expect(idFor({}, { severity: 'high', tags: [] })).toBe('fallback');
  });

  it('tests schema version, origin kind and origin country together', () => {
    const from = agency('BR', 'pf');
    expect(idFor({ from, schemaVersion: 2 }, { tags: [] })).toBe('v2-from-agencies-of-br');
    expect(idFor({ from, schemaVersion: 1 }, { tags: [] })).toBe('fallback');
    expect(idFor({ from: agency('FR', 'x'), schemaVersion: 2 }, { tags: [] })).toBe('fallback');
    expect(idFor({ from: ncb('BR'), schemaVersion: 2 }, { tags: [] })).toBe('fallback');
    expect(idFor({ from: wg('BR'), schemaVersion: 2 }, { tags: [] })).toBe('fallback');
  });

  it('compares payload values deeply and unescapes ~0 and ~1 in pointers', () => {
    const payload = { 'a/b': { '~c': { x: [1, 2] } }, tags: [] };
    expect(idFor({}, payload)).toBe('odd-key');
    expect(idFor({}, { 'a/b': { '~c': { x: [2, 1] } }, tags: [] })).toBe('fallback');
  });

  it('matches exists: false only when the pointer does not resolve', () => {
    expect(idFor({}, {})).toBe('no-tags');
    expect(idFor({}, { tags: null })).toBe('fallback');
  });

  it('reads the origin from the envelope (kind names map to OriginKind)', () => {
    const origin = { kind: OriginKind.ORIGIN_KIND_AGENCY, country: 'BR', agencyId: 'pf' };
    expect(findRule(RULES, envelope({ origin, schemaVersion: 2 }), { tags: [] })?.id).toBe(
      'v2-from-agencies-of-br',
    );
  });
});

describe('resolvePointer', () => {
  it('resolves own properties and canonical array indices only', () => {
    const doc = { list: [10, 20], nested: { k: 0 } };
    expect(resolvePointer(doc, '')).toEqual({ found: true, value: doc });
    expect(resolvePointer(doc, '/list/1')).toEqual({ found: true, value: 20 });
    expect(resolvePointer(doc, '/nested/k')).toEqual({ found: true, value: 0 });
    expect(resolvePointer(doc, '/list/01')).toEqual({ found: false });
    expect(resolvePointer(doc, '/list/2')).toEqual({ found: false });
    expect(resolvePointer(doc, '/list/-')).toEqual({ found: false });
    expect(resolvePointer(doc, '/constructor')).toEqual({ found: false });
    expect(resolvePointer(doc, '/nested/__proto__')).toEqual({ found: false });
    expect(resolvePointer('text', '/length')).toEqual({ found: false });
  });
});
