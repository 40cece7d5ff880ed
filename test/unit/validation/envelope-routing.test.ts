import {
  Channel,
  HandlingCode,
  Restriction,
  type Destination,
  type Envelope,
  type Handling,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  loadSchemaRegistry,
  validateMessage,
  type SchemaRegistry,
} from '../../../src/core/validation';
import { FIXTURE_NOW, validEnvelope } from '../../helpers/envelopes';
import { SCHEMAS_DIR, expectOnlyViolation } from './support';

let registry: SchemaRegistry;
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
});

const check = (envelope: Envelope) => validateMessage(envelope, { registry, now: FIXTURE_NOW });
const report = (overrides: Partial<Envelope> = {}) =>
  validEnvelope('online-vendor-report', overrides);
const country = (code: string): Destination => ({ target: { $case: 'country', country: code } });
const channel = (value: Channel): Destination => ({ target: { $case: 'channel', channel: value } });
/** `count` distinct, well-formed country codes (AA, AB, …). */
const codes = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)),
  );
const handling = (overrides: Partial<Handling>): Handling => ({
  code: HandlingCode.HANDLING_CODE_H0,
  restrictedTo: [],
  restrictions: [],
  restrictionText: '',
  retentionDays: 365,
  ...overrides,
});
const H3 = HandlingCode.HANDLING_CODE_H3;

describe('destinations', () => {
  test('accepts 64 distinct entries and refuses 65', () => {
    expect(check(report({ destinations: codes(64).map(country) })).ok).toBe(true);
    const result = check(report({ destinations: codes(65).map(country) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'destinations', 'maxItems');
  });
  test('refuses a duplicate, pointing at the second occurrence', () => {
    const destinations = [country('DE'), channel(Channel.CHANNEL_SECRETARIAT), country('DE')];
    expectOnlyViolation(
      check(report({ destinations })),
      'ENVELOPE_INVALID',
      'destinations[2]',
      'uniqueItems',
    );
  });
  test('refuses a destination without a target', () => {
    const destinations = [country('DE'), { target: undefined }];
    expectOnlyViolation(
      check(report({ destinations })),
      'ENVELOPE_INVALID',
      'destinations[1]',
      'required',
    );
  });
  test('checks the country format only (membership is routing’s business)', () => {
    expect(check(report({ destinations: [country('ZZ')] })).ok).toBe(true);
    const result = check(report({ destinations: [country('de')] }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'destinations[0].country', 'pattern');
  });
  test('refuses an unspecified or unknown channel', () => {
    for (const value of [Channel.CHANNEL_UNSPECIFIED, 7 as Channel]) {
      const result = check(report({ destinations: [channel(value)] }));
      expectOnlyViolation(result, 'ENVELOPE_INVALID', 'destinations[0].channel', 'enum');
    }
  });
  test('an information-request without destination is DESTINATION_REQUIRED', () => {
    const result = check(validEnvelope('information-request', { destinations: [] }));
    expectOnlyViolation(result, 'DESTINATION_REQUIRED', 'destinations', 'minItems');
  });
  test('other types may name no destination', () => {
    expect(check(report({ destinations: [] })).ok).toBe(true);
  });
});

describe('handling', () => {
  test('is required', () => {
    expectOnlyViolation(
      check(report({ handling: undefined })),
      'ENVELOPE_INVALID',
      'handling',
      'required',
    );
  });
  test('code must be specified', () => {
    const result = check(
      report({ handling: handling({ code: HandlingCode.HANDLING_CODE_UNSPECIFIED }) }),
    );
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.code', 'required');
  });
  test('restricted_to holds at most 64 countries', () => {
    expect(check(report({ handling: handling({ restrictedTo: codes(64) }) })).ok).toBe(true);
    const result = check(report({ handling: handling({ restrictedTo: codes(65) }) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restricted_to', 'maxItems');
  });
  test('restricted_to entries are ISO alpha-2, pointed at by index', () => {
    const result = check(report({ handling: handling({ restrictedTo: ['FR', 'DE', 'Belgium'] }) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restricted_to[2]', 'pattern');
  });
  test('restricted_to entries are unique', () => {
    const result = check(report({ handling: handling({ restrictedTo: ['FR', 'DE', 'FR'] }) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restricted_to[2]', 'uniqueItems');
  });
  test('H3 needs a restriction flag or a restriction text', () => {
    const result = check(report({ handling: handling({ code: H3 }) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restriction_text', 'required');
    const flag = [Restriction.RESTRICTION_NO_BROADCAST];
    expect(check(report({ handling: handling({ code: H3, restrictions: flag }) })).ok).toBe(true);
    const text = 'Not to be shared with customs.';
    expect(check(report({ handling: handling({ code: H3, restrictionText: text }) })).ok).toBe(
      true,
    );
  });
  test('flags are only allowed with H3', () => {
    const restrictions = [Restriction.RESTRICTION_NCB_ONLY];
    const result = check(
      report({ handling: handling({ code: HandlingCode.HANDLING_CODE_H2, restrictions }) }),
    );
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restrictions', 'notAllowed');
  });
  test('restriction_text is only allowed with H3', () => {
    const result = check(
      report({ handling: handling({ restrictionText: 'Court use needs consent.' }) }),
    );
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restriction_text', 'notAllowed');
  });
  test('restriction_text holds at most 1000 characters, counted as code points', () => {
    const ok = handling({ code: H3, restrictionText: '🔒'.repeat(1000) });
    expect(check(report({ handling: ok })).ok).toBe(true);
    const tooLong = handling({ code: H3, restrictionText: 'x'.repeat(1001) });
    expectOnlyViolation(
      check(report({ handling: tooLong })),
      'ENVELOPE_INVALID',
      'handling.restriction_text',
      'maxLength',
    );
  });
  test('flags must be specified values', () => {
    const restrictions = [
      Restriction.RESTRICTION_NO_WORKING_GROUP,
      Restriction.RESTRICTION_UNSPECIFIED,
    ];
    const result = check(report({ handling: handling({ code: H3, restrictions }) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restrictions[1]', 'enum');
  });
  test('flags are unique', () => {
    const restrictions = [
      Restriction.RESTRICTION_NO_BROADCAST,
      Restriction.RESTRICTION_NO_BROADCAST,
    ];
    const result = check(report({ handling: handling({ code: H3, restrictions }) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'handling.restrictions[1]', 'uniqueItems');
  });
  test('retention_days is required and within 1-1826', () => {
    const field = 'handling.retention_days';
    expectOnlyViolation(
      check(report({ handling: handling({ retentionDays: 0 }) })),
      'ENVELOPE_INVALID',
      field,
      'required',
    );
    expectOnlyViolation(
      check(report({ handling: handling({ retentionDays: 1827 }) })),
      'ENVELOPE_INVALID',
      field,
      'maximum',
    );
    expect(check(report({ handling: handling({ retentionDays: 1 }) })).ok).toBe(true);
    expect(check(report({ handling: handling({ retentionDays: 1826 }) })).ok).toBe(true);
  });
});
