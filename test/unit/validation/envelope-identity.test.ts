import { OriginKind } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  buildSchemaRegistry,
  readSchemaSources,
  validateMessage,
  type SchemaRegistry,
  type SchemaSource,
} from '../../../src/core/validation';
import { FIXTURE_NOW, validEnvelope } from '../../helpers/envelopes';
import { SCHEMAS_DIR, expectOnlyViolation } from './support';
import type { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';

let sources: SchemaSource[];
let registry: SchemaRegistry;
beforeAll(() => {
  sources = readSchemaSources(SCHEMAS_DIR);
  registry = buildSchemaRegistry(sources);
});

const check = (envelope: Envelope, reg: SchemaRegistry = registry) =>
  validateMessage(envelope, { registry: reg, now: FIXTURE_NOW });
const report = (overrides: Partial<Envelope> = {}) =>
  validEnvelope('online-vendor-report', overrides);

test('the fixture envelope of every rule below is accepted as is', () => {
  expect(check(report()).ok).toBe(true);
});

describe('message_id', () => {
  test('is required', () => {
    expectOnlyViolation(
      check(report({ messageId: '' })),
      'ENVELOPE_INVALID',
      'message_id',
      'required',
    );
  });
  test('must be lower case', () => {
    const messageId = '0C4D1F9E-7A2B-4C8E-9F3A-2B1D5E6F7A8B';
    expectOnlyViolation(check(report({ messageId })), 'ENVELOPE_INVALID', 'message_id', 'pattern');
  });
  test('must be a canonical UUID (no braces, no missing dashes)', () => {
    for (const messageId of [
      '{0c4d1f9e-7a2b-4c8e-9f3a-2b1d5e6f7a8b}',
      '0c4d1f9e7a2b4c8e9f3a2b1d5e6f7a8b',
    ]) {
      expectOnlyViolation(
        check(report({ messageId })),
        'ENVELOPE_INVALID',
        'message_id',
        'pattern',
      );
    }
  });
  test('must carry an RFC 9562 version and variant (the nil UUID is refused)', () => {
    const messageId = '00000000-0000-0000-0000-000000000000';
    expectOnlyViolation(check(report({ messageId })), 'ENVELOPE_INVALID', 'message_id', 'pattern');
  });
  test('accepts a version-7 UUID', () => {
    expect(check(report({ messageId: '01890a5d-ac96-774b-bcce-b302099a8057' })).ok).toBe(true);
  });
});

describe('message_type and schema_version', () => {
  test('message_type is required', () => {
    expectOnlyViolation(
      check(report({ messageType: '' })),
      'ENVELOPE_INVALID',
      'message_type',
      'required',
    );
  });
  test('an unknown message_type is UNKNOWN_MESSAGE_TYPE', () => {
    const result = check(report({ messageType: 'vendor-report' }));
    expectOnlyViolation(result, 'UNKNOWN_MESSAGE_TYPE', 'message_type', 'enum');
  });
  test('schema_version is required', () => {
    expectOnlyViolation(
      check(report({ schemaVersion: 0 })),
      'ENVELOPE_INVALID',
      'schema_version',
      'required',
    );
  });
  test('a version without a schema is UNSUPPORTED_SCHEMA_VERSION, listing the accepted ones', () => {
    const violation = expectOnlyViolation(
      check(report({ schemaVersion: 3 })),
      'UNSUPPORTED_SCHEMA_VERSION',
      'schema_version',
      'enum',
    );
    expect(violation.message).toContain('accepted: 1, 2');
  });
  test('a retired version is UNSUPPORTED_SCHEMA_VERSION while the newer one is accepted', () => {
    const retiring = buildSchemaRegistry(sources, {
      retiredVersions: { 'online-vendor-report': [1] },
    });
    expectOnlyViolation(
      check(report(), retiring),
      'UNSUPPORTED_SCHEMA_VERSION',
      'schema_version',
      'enum',
    );
    expect(check(report({ schemaVersion: 2 }), retiring)).toMatchObject({
      ok: true,
      schemaId: 'https://schemas.intelroute.org/online-vendor-report/v2.json',
    });
  });
});

describe('origin', () => {
  const ncb = (country: string, agencyId = '') => ({
    kind: OriginKind.ORIGIN_KIND_NCB,
    country,
    agencyId,
  });

  test('is required', () => {
    expectOnlyViolation(
      check(report({ origin: undefined })),
      'ENVELOPE_INVALID',
      'origin',
      'required',
    );
  });
  test('kind must be specified', () => {
    const origin = { kind: OriginKind.ORIGIN_KIND_UNSPECIFIED, country: 'FR', agencyId: '' };
    expectOnlyViolation(check(report({ origin })), 'ENVELOPE_INVALID', 'origin.kind', 'required');
  });
  test('kind must be a known value (open enums may decode unknown numbers)', () => {
    const origin = { kind: 42 as OriginKind, country: 'FR', agencyId: '' };
    expectOnlyViolation(check(report({ origin })), 'ENVELOPE_INVALID', 'origin.kind', 'enum');
  });
  test('an NCB needs its country', () => {
    expectOnlyViolation(
      check(report({ origin: ncb('') })),
      'ENVELOPE_INVALID',
      'origin.country',
      'required',
    );
  });
  test('the country is ISO alpha-2 in upper case', () => {
    for (const country of ['fr', 'FRA', 'F1']) {
      expectOnlyViolation(
        check(report({ origin: ncb(country) })),
        'ENVELOPE_INVALID',
        'origin.country',
        'pattern',
      );
    }
  });
  test('a working-group member needs its country', () => {
    const origin = { kind: OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER, country: '', agencyId: '' };
    expectOnlyViolation(
      check(report({ origin })),
      'ENVELOPE_INVALID',
      'origin.country',
      'required',
    );
  });
  test('the Secretariat and the system have no country', () => {
    for (const kind of [OriginKind.ORIGIN_KIND_SECRETARIAT, OriginKind.ORIGIN_KIND_SYSTEM]) {
      const origin = { kind, country: 'FR', agencyId: '' };
      expectOnlyViolation(
        check(report({ origin })),
        'ENVELOPE_INVALID',
        'origin.country',
        'notAllowed',
      );
      expect(check(report({ origin: { kind, country: '', agencyId: '' } })).ok).toBe(true);
    }
  });
  test('an agency needs its agency_id', () => {
    const origin = { kind: OriginKind.ORIGIN_KIND_AGENCY, country: 'FR', agencyId: '' };
    expectOnlyViolation(
      check(report({ origin })),
      'ENVELOPE_INVALID',
      'origin.agency_id',
      'required',
    );
    expect(check(report({ origin: { ...origin, agencyId: 'ofast-cyber' } })).ok).toBe(true);
  });
  test('agency_id is 1-64 of [a-z0-9-]', () => {
    for (const agencyId of ['OFAST', 'ofast_cyber', 'a'.repeat(65)]) {
      const origin = { kind: OriginKind.ORIGIN_KIND_AGENCY, country: 'FR', agencyId };
      expectOnlyViolation(
        check(report({ origin })),
        'ENVELOPE_INVALID',
        'origin.agency_id',
        'pattern',
      );
    }
  });
  test('agency_id is optional for the Secretariat and refused for an NCB', () => {
    const secretariat = {
      kind: OriginKind.ORIGIN_KIND_SECRETARIAT,
      country: '',
      agencyId: 'analysis',
    };
    expect(check(report({ origin: secretariat })).ok).toBe(true);
    expectOnlyViolation(
      check(report({ origin: ncb('FR', 'ofast') })),
      'ENVELOPE_INVALID',
      'origin.agency_id',
      'notAllowed',
    );
  });
});
