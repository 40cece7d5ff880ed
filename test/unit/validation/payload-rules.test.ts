import {
  MAX_VIOLATIONS,
  loadSchemaRegistry,
  validateMessage,
  type SchemaRegistry,
} from '../../../src/core/validation';
import { FIXTURE_NOW, fixturePayload, payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { SCHEMAS_DIR, expectOnlyViolation, expectViolation, refused } from './support';

let registry: SchemaRegistry;
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
});

const MiB = 1_048_576;
const check = (payload: Buffer, maxPayloadBytes?: number) =>
  validateMessage(validEnvelope('online-vendor-report', { payload }), {
    registry,
    now: FIXTURE_NOW,
    maxPayloadBytes,
  });
const vendorReport = () => fixturePayload('online-vendor-report') as Record<string, unknown>;
/** The valid fixture padded with trailing spaces (still valid JSON) to exactly `size` bytes. */
const paddedTo = (size: number) => {
  const bytes = payloadBytes(vendorReport());
  return Buffer.concat([bytes, Buffer.alloc(size - bytes.length, 0x20)]);
};

describe('size', () => {
  test('accepts exactly 1 MiB by default and refuses one byte more', () => {
    expect(check(paddedTo(MiB)).ok).toBe(true);
    expectOnlyViolation(check(paddedTo(MiB + 1)), 'PAYLOAD_TOO_LARGE', 'payload', 'maxBytes');
  });
  test('the limit is configurable', () => {
    expect(check(paddedTo(4096), 4096).ok).toBe(true);
    expectOnlyViolation(check(paddedTo(4097), 4096), 'PAYLOAD_TOO_LARGE', 'payload', 'maxBytes');
  });
});

describe('encoding', () => {
  test('refuses a leading byte-order mark', () => {
    const payload = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), payloadBytes(vendorReport())]);
    expectOnlyViolation(check(payload), 'PAYLOAD_NOT_UTF8', 'payload', 'encoding');
  });
  test.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d]],
    ['an overlong encoding', [0x7b, 0xc0, 0xaf, 0x7d]],
    ['an encoded surrogate', [0x7b, 0xed, 0xa0, 0x80, 0x7d]],
    ['a truncated sequence', [0x7b, 0xe2, 0x82]],
  ])('refuses %s', (_name, bytes) => {
    expectOnlyViolation(check(Buffer.from(bytes)), 'PAYLOAD_NOT_UTF8', 'payload', 'encoding');
  });
});

describe('JSON syntax', () => {
  test.each([
    ['an empty payload', ''],
    ['plain text', 'SECRET-MARKER seizure of 3 kg'],
    ['a truncated document', '{"vendorKind":"website"'],
    ['a trailing comma', '{"a":1,}'],
  ])('refuses %s without quoting it', (_name, text) => {
    const violation = expectOnlyViolation(
      check(Buffer.from(text)),
      'PAYLOAD_NOT_JSON',
      'payload',
      'json',
    );
    expect(violation.message).toBe('is not a JSON document');
  });
  test('a JSON document of the wrong type is a schema violation at the root', () => {
    expectOnlyViolation(check(Buffer.from('null')), 'SCHEMA_VIOLATION', 'payload', 'type');
  });
});

describe('pathological structure', () => {
  const deep = (depth: number, open: string, close: string, inner = '0') =>
    Buffer.from(open.repeat(depth) + inner + close.repeat(depth));

  // The location is the container that would open one level too deep; an undeclared member
  // name ("a") is payload content, so the location stops before it.
  test.each([
    ['arrays, 1 MiB deep', () => deep(MiB / 2, '[', ']', ''), `payload${'/0'.repeat(32)}`],
    ['objects, deep', () => deep(100_000, '{"a":', '}'), 'payload'],
    [
      'arrays inside a schema field',
      () => Buffer.from(`{"urls":${'['.repeat(50_000)}${']'.repeat(50_000)}}`),
      `payload/urls${'/0'.repeat(31)}`,
    ],
  ])('%s: refused as too deep, without throwing', (_name, make, field) => {
    expectOnlyViolation(check(make()), 'SCHEMA_VIOLATION', field, 'maxDepth');
  });
  test('33 levels are too deep, 32 reach the schema', () => {
    const field = `payload${'/0'.repeat(32)}`;
    expectOnlyViolation(check(deep(33, '[', ']')), 'SCHEMA_VIOLATION', field, 'maxDepth');
    expectViolation(check(deep(32, '[', ']')), 'SCHEMA_VIOLATION', 'payload', 'type');
  });
  test('brackets inside strings do not count as nesting', () => {
    const report = { ...vendorReport(), summary: '[[[[{{{{'.repeat(100) + '\\"]]' };
    expect(check(payloadBytes(report)).ok).toBe(true);
  });
  test('a huge array is refused before parsing, on the payload', () => {
    const payload = Buffer.from(`{"urls":[${Array(300_000).fill('1').join(',')}]}`);
    expectOnlyViolation(check(payload), 'SCHEMA_VIOLATION', 'payload/urls', 'maxItems');
  });
  test('an array a little over its maxItems gets the precise path', () => {
    const report = { ...vendorReport(), languages: Array.from({ length: 21 }, (_, i) => `l${i}`) };
    expectViolation(
      check(payloadBytes(report)),
      'SCHEMA_VIOLATION',
      'payload/languages',
      'maxItems',
    );
  });
  test('an object with a huge number of members is refused before parsing', () => {
    const members = Array.from({ length: 60_000 }, (_, i) => `"k${i}":1`).join(',');
    expectOnlyViolation(
      check(Buffer.from(`{${members}}`)),
      'SCHEMA_VIOLATION',
      'payload',
      'maxProperties',
    );
  });
  test('a string longer than any maxLength allows is refused before parsing', () => {
    const report = { ...vendorReport(), summary: 'a'.repeat(MiB - 4096) };
    expectOnlyViolation(
      check(payloadBytes(report)),
      'SCHEMA_VIOLATION',
      'payload/summary',
      'maxLength',
    );
  });
});

describe('text every reader must read alike', () => {
  test('a member name given twice is refused with its location (readers keep different ones)', () => {
    const text = JSON.stringify(vendorReport()).replace(/^\{/, '{"summary":"first",');
    expectOnlyViolation(
      check(Buffer.from(text)),
      'PAYLOAD_NOT_JSON',
      'payload/summary',
      'duplicateKey',
    );
  });
  test('an escaped unpaired surrogate is refused: the text has no UTF-8 form', () => {
    const text = JSON.stringify({ ...vendorReport(), summary: 'x' }).replace('"x"', '"\\ud800"');
    expectOnlyViolation(
      check(Buffer.from(text)),
      'PAYLOAD_NOT_UTF8',
      'payload/summary',
      'unpairedSurrogate',
    );
    const paired = JSON.stringify({ ...vendorReport(), summary: 'x' }).replace(
      '"x"',
      '"\\ud83d\\ude00"',
    );
    expect(check(Buffer.from(paired)).ok).toBe(true);
  });
});

describe('schema violations', () => {
  test('are capped at MAX_VIOLATIONS, the message counting the rest', () => {
    const report = {
      ...vendorReport(),
      handles: Array.from({ length: 200 }, () => ({ platform: 'unknown', handle: 'x y' })),
    };
    const result = refused(check(payloadBytes(report)));
    expect(result.violations).toHaveLength(MAX_VIOLATIONS);
    expect(result.message).toMatch(/; and \d+ more$/);
  });
  test('a missing property is reported at its own path', () => {
    const { summary: _summary, ...report } = vendorReport();
    expectOnlyViolation(
      check(payloadBytes(report)),
      'SCHEMA_VIOLATION',
      'payload/summary',
      'required',
    );
  });
  test('an unexpected property is reported on its parent, listing the allowed ones, not its name', () => {
    const report = { ...vendorReport(), 'SECRET-MARKER-KEY': 1 };
    const violation = expectOnlyViolation(
      check(payloadBytes(report)),
      'SCHEMA_VIOLATION',
      'payload',
      'additionalProperties',
    );
    expect(violation.message).toContain('vendorKind, vendorName, summary');
    expect(violation.message).not.toContain('SECRET-MARKER');
  });
  test('a too-long value is reported once, as maxLength (its pattern and format are not)', () => {
    const report = { ...vendorReport(), urls: [`https://example.com/${'a'.repeat(2100)}`] };
    expectOnlyViolation(
      check(payloadBytes(report)),
      'SCHEMA_VIOLATION',
      'payload/urls/0',
      'maxLength',
    );
  });
  test('enum violations list the allowed values', () => {
    const report = { ...vendorReport(), investigationStatus: 'SECRET-MARKER' };
    const violation = expectOnlyViolation(
      check(payloadBytes(report)),
      'SCHEMA_VIOLATION',
      'payload/investigationStatus',
      'enum',
    );
    expect(violation.message).toBe(
      'must be one of: intelligence-only, under-investigation, takedown-requested, taken-down, closed',
    );
  });
  test('no message or violation quotes payload content', () => {
    const marker = 'SECRET-MARKER-7f3a';
    const report = {
      ...vendorReport(),
      vendorKind: marker,
      emails: [`${marker}@@example.com`],
      phones: [marker],
      wallets: [{ chain: 'bitcoin', address: `${marker}${'1'.repeat(30)}` }],
      shipsTo: [marker],
      summary: `${marker}\u0000`,
    };
    const result = refused(check(payloadBytes(report)));
    expect(result.violations.length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(result)).not.toContain(marker);
  });
});
