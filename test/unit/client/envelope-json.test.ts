import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envelopeFromJson } from '../../../src/client';
import { isIntelrouteError } from '../../../src/core/errors';
import { HandlingCode, OriginKind } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  loadSchemaRegistry,
  validateMessage,
  type SchemaRegistry,
} from '../../../src/core/validation';

/** Envelopes written by hand (the `send` input format); pure, no I/O besides fixtures. */

const FIXTURES = path.resolve(__dirname, '../../fixtures/envelopes-json');
const SCHEMAS_DIR = path.resolve(__dirname, '../../../schemas');
const NOW = new Date('2025-03-14T09:30:00.000Z');
const defaults = { now: () => NOW, newMessageId: () => '0c4d1f9e-7a2b-4c8e-9f3a-2b1d5e6f7a8b' };

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

function inputError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isIntelrouteError(error, 'ENVELOPE_INPUT_INVALID')) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

let registry: SchemaRegistry;
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
});

describe('envelopeFromJson', () => {
  it.each(['online-vendor-report-fr-to-de.json', 'seizure-report-be.json'])(
    'reads the example %s into an envelope the gateway validator accepts',
    (name) => {
      const envelope = envelopeFromJson(fixture(name), name, defaults);
      expect(validateMessage(envelope, { registry, now: NOW })).toMatchObject({ ok: true });
    },
  );

  it('maps enums by name and serialises payloadJson to UTF-8 JSON bytes', () => {
    const envelope = envelopeFromJson(fixture('online-vendor-report-fr-to-de.json'), 'f', defaults);
    expect(envelope.origin).toEqual({
      kind: OriginKind.ORIGIN_KIND_NCB,
      country: 'FR',
      agencyId: '',
    });
    expect(envelope.handling?.code).toBe(HandlingCode.HANDLING_CODE_H1);
    expect(envelope.destinations).toEqual([{ target: { $case: 'country', country: 'DE' } }]);
    const payload = JSON.parse(envelope.payload.toString('utf8')) as { phones: string[] };
    expect(payload.phones).toEqual(['+15555550123']);
  });

  it('fills a missing messageId and createdAt, and keeps given ones', () => {
    const filled = envelopeFromJson({ messageType: 'seizure-report' }, 'f', defaults);
    expect(filled.messageId).toBe('0c4d1f9e-7a2b-4c8e-9f3a-2b1d5e6f7a8b');
    expect(filled.createdAt).toEqual(NOW);
    const given = envelopeFromJson(
      { messageId: 'b1d5e6f7-0c4d-4f9e-8a2b-7c8e9f3a2b1d', createdAt: '2025-03-14T09:00:00Z' },
      'f',
      defaults,
    );
    expect(given.messageId).toBe('b1d5e6f7-0c4d-4f9e-8a2b-7c8e9f3a2b1d');
    expect(given.createdAt).toEqual(new Date('2025-03-14T09:00:00Z'));
  });

  it('generates a different UUID v4 for each envelope by default', () => {
    const first = envelopeFromJson({}, 'f').messageId;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(envelopeFromJson({}, 'f').messageId).not.toBe(first);
  });

  it('reads a base64 payload (the standard mapping) and proto field names', () => {
    const bytes = Buffer.from('{"a":1}', 'utf8');
    const envelope = envelopeFromJson(
      { message_type: 'seizure-report', payload: bytes.toString('base64') },
      'f',
    );
    expect(envelope.messageType).toBe('seizure-report');
    expect(envelope.payload).toEqual(bytes);
  });

  it.each([
    [[1], 'must be a JSON object'],
    [{ messageTyp: 'x' }, 'unknown field(s) messageTyp'],
    [{ payload: 'e30=', payloadJson: {} }, 'not both'],
    [{ payload: '{"a":1}' }, 'payload must be base64'],
    [{ handling: { code: 'HANDLING_CODE_H9' } }, 'HANDLING_CODE_H9'],
    [{ createdAt: 'yesterday' }, 'createdAt must be an RFC 3339 timestamp'],
  ])('refuses %j naming the source and the problem', (input, problem) => {
    const message = inputError(() => envelopeFromJson(input, 'msg.json'));
    expect(message).toContain('msg.json: ');
    expect(message).toContain(problem);
  });
});
