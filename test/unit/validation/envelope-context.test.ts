import {
  InformationAccuracy,
  Priority,
  SourceReliability,
  type Envelope,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  loadSchemaRegistry,
  validateMessage,
  type SchemaRegistry,
} from '../../../src/core/validation';
import { FIXTURE_NOW, validEnvelope, type MessageType } from '../../helpers/envelopes';
import { SCHEMAS_DIR, expectOnlyViolation, refused } from './support';

let registry: SchemaRegistry;
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
});

const check = (envelope: Envelope, maxFutureSkewMs?: number) =>
  validateMessage(envelope, { registry, now: FIXTURE_NOW, maxFutureSkewMs });
const report = (overrides: Partial<Envelope> = {}) =>
  validEnvelope('online-vendor-report', overrides);
const B = SourceReliability.SOURCE_RELIABILITY_B;
const TWO = InformationAccuracy.INFORMATION_ACCURACY_2;

describe('evaluation', () => {
  const intelligence: MessageType[] = [
    'online-vendor-report',
    'seizure-report',
    'information-response',
    'working-group-contribution',
  ];
  test.each(intelligence)('is required for %s', (type) => {
    const result = check(validEnvelope(type, { evaluation: undefined }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'evaluation', 'required');
  });
  test('both gradings must be specified when required', () => {
    const evaluation = {
      sourceReliability: SourceReliability.SOURCE_RELIABILITY_UNSPECIFIED,
      informationAccuracy: TWO,
    };
    const result = check(report({ evaluation }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'evaluation.source_reliability', 'required');
  });
  test('gradings must be known values', () => {
    const evaluation = { sourceReliability: B, informationAccuracy: 9 as InformationAccuracy };
    const result = check(report({ evaluation }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'evaluation.information_accuracy', 'enum');
  });
  test('is optional for the other types, but complete when given', () => {
    expect(check(validEnvelope('training-event', { evaluation: undefined })).ok).toBe(true);
    expect(
      check(
        validEnvelope('training-event', {
          evaluation: { sourceReliability: B, informationAccuracy: TWO },
        }),
      ).ok,
    ).toBe(true);
    const half = {
      sourceReliability: B,
      informationAccuracy: InformationAccuracy.INFORMATION_ACCURACY_UNSPECIFIED,
    };
    const result = check(validEnvelope('training-event', { evaluation: half }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'evaluation.information_accuracy', 'required');
  });
});

test('priority must be a known value (UNSPECIFIED reads as ROUTINE)', () => {
  expect(check(report({ priority: Priority.PRIORITY_UNSPECIFIED })).ok).toBe(true);
  expectOnlyViolation(
    check(report({ priority: 5 as Priority })),
    'ENVELOPE_INVALID',
    'priority',
    'enum',
  );
});

describe('in_reply_to', () => {
  test('is required for an information-response', () => {
    const result = check(validEnvelope('information-response', { inReplyTo: '' }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'in_reply_to', 'required');
  });
  test('is a canonical UUID', () => {
    const result = check(validEnvelope('information-response', { inReplyTo: 'REQ-2025-001' }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'in_reply_to', 'pattern');
  });
  test('is refused on any other type', () => {
    const result = check(
      validEnvelope('information-request', { inReplyTo: '3f1c2a4e-8b7d-4e6f-9a1b-2c3d4e5f6a7b' }),
    );
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'in_reply_to', 'notAllowed');
  });
});

describe('case_reference', () => {
  test('accepts 1-64 characters of [A-Za-z0-9._:/-]', () => {
    expect(check(report({ caseReference: 'FR/OFAST:2025-001.a_b' })).ok).toBe(true);
    expect(check(report({ caseReference: 'c'.repeat(64) })).ok).toBe(true);
  });
  test('refuses other characters and more than 64', () => {
    for (const caseReference of ['FR 2025', 'dossier#1', 'c'.repeat(65)]) {
      expectOnlyViolation(
        check(report({ caseReference })),
        'ENVELOPE_INVALID',
        'case_reference',
        'pattern',
      );
    }
  });
});

describe('created_at', () => {
  test('is required', () => {
    expectOnlyViolation(
      check(report({ createdAt: undefined })),
      'ENVELOPE_INVALID',
      'created_at',
      'required',
    );
  });
  test('must be a valid instant', () => {
    const result = check(report({ createdAt: new Date(Number.NaN) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'created_at', 'format');
  });
  test('may be up to 5 minutes ahead of now, not 1 ms more', () => {
    const at = (offsetMs: number) => new Date(FIXTURE_NOW.getTime() + offsetMs);
    expect(check(report({ createdAt: at(300_000) })).ok).toBe(true);
    const result = check(report({ createdAt: at(300_001) }));
    expectOnlyViolation(result, 'CREATED_AT_IN_FUTURE', 'created_at', 'maximum');
  });
  test('the tolerance is an option', () => {
    const createdAt = new Date(FIXTURE_NOW.getTime() + 2_000);
    expectOnlyViolation(
      check(report({ createdAt }), 1_000),
      'CREATED_AT_IN_FUTURE',
      'created_at',
      'maximum',
    );
  });
  test('any instant from 2000 on is accepted; before is an unset or zeroed clock', () => {
    expect(check(report({ createdAt: new Date('2000-01-01T00:00:00Z') })).ok).toBe(true);
    expect(check(report({ createdAt: new Date('2019-01-01T00:00:00Z') })).ok).toBe(true);
    for (const createdAt of [
      '1999-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
    ]) {
      const result = check(report({ createdAt: new Date(createdAt) }));
      expectOnlyViolation(result, 'ENVELOPE_INVALID', 'created_at', 'minimum');
    }
  });
});

describe('content_type', () => {
  test.each([
    '',
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/json; charset="utf-8"',
  ])('accepts %p', (contentType) => {
    expect(check(report({ contentType })).ok).toBe(true);
  });
  test.each([
    'text/plain',
    'application/json; charset=latin-1',
    'application/jsonp',
    ' application/json',
    'application/json; '.padEnd(100, 'x'),
  ])('refuses %p as UNSUPPORTED_CONTENT_TYPE', (contentType) => {
    expectOnlyViolation(
      check(report({ contentType })),
      'UNSUPPORTED_CONTENT_TYPE',
      'content_type',
      'enum',
    );
  });
});

test('a receipt set by the sender is RECEIPT_NOT_ALLOWED', () => {
  const receipt = {
    sender: 'urn:intelroute:ncb:FR',
    receivedAt: FIXTURE_NOW,
    payloadSha256: '',
    replyDueAt: undefined,
    traceId: '',
  };
  expectOnlyViolation(check(report({ receipt })), 'RECEIPT_NOT_ALLOWED', 'receipt', 'notAllowed');
});

describe('several broken rules', () => {
  test('are all reported, in proto field order', () => {
    const result = refused(
      check(report({ messageId: 'x', handling: undefined, createdAt: undefined })),
    );
    expect(result.violations.map((v) => v.field)).toEqual(['message_id', 'handling', 'created_at']);
    expect(result.reason).toBe('ENVELOPE_INVALID');
  });
  test('with different reasons are reported as ENVELOPE_INVALID', () => {
    const result = refused(check(report({ messageType: 'nope', contentType: 'text/plain' })));
    expect(result.reason).toBe('ENVELOPE_INVALID');
    expect(result.violations.map((v) => [v.field, v.keyword])).toEqual([
      ['message_type', 'enum'],
      ['content_type', 'enum'],
    ]);
  });
  test('stop validation before the payload is looked at', () => {
    const result = check(report({ messageId: '', payload: Buffer.from([0xff, 0xfe]) }));
    expectOnlyViolation(result, 'ENVELOPE_INVALID', 'message_id', 'required');
  });
  test('the human message names the fields and the rules', () => {
    const result = refused(
      check(report({ messageId: '', receipt: undefined, handling: undefined })),
    );
    expect(result.message).toBe('ENVELOPE_INVALID: message_id is required; handling is required');
  });
});
