import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchemaRegistry,
  loadSchemaRegistry,
  readSchemaSources,
  validateMessage,
  type SchemaSource,
} from '../../../src/core/validation';
import { readerBreaks } from '../../../src/core/validation/schema-compat';
import type { JsonObject } from '../../../src/core/validation/schema-walk';
import { FIXTURE_NOW, validEnvelope } from '../../helpers/envelopes';
import { FIXTURES_DIR, SCHEMAS_DIR } from './support';

const registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
const v1Dir = path.join(FIXTURES_DIR, 'online-vendor-report', 'valid');

function validateV2(payload: unknown) {
  const envelope = validEnvelope('online-vendor-report', {
    payload: Buffer.from(JSON.stringify(payload)),
  });
  return validateMessage({ ...envelope, schemaVersion: 2 }, { registry, now: FIXTURE_NOW });
}

const v2Example = (): Record<string, unknown> =>
  structuredClone(
    registry.validatorFor('online-vendor-report', 2)?.schema.examples as Record<string, unknown>[],
  )[0] as Record<string, unknown>;

describe('online-vendor-report v2: structured payment selectors', () => {
  it('accepts every valid v1 payload with the same meaning (v2 only adds)', () => {
    const files = readdirSync(v1Dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const payload: unknown = JSON.parse(readFileSync(path.join(v1Dir, file), 'utf8'));
      expect(validateV2(payload)).toMatchObject({ ok: true });
    }
    const v1 = registry.validatorFor('online-vendor-report', 1)?.schema;
    const v2 = registry.validatorFor('online-vendor-report', 2)?.schema;
    expect(readerBreaks(v1!, v2!)).toEqual([]);
  });

  it('checks each selector by its kind', () => {
    const withSelector = (selector: Record<string, unknown>) => ({
      ...v2Example(),
      paymentSelectors: [selector],
    });
    expect(validateV2(v2Example())).toMatchObject({ ok: true });
    const refused = [
      { kind: 'iban', value: 'de89 3704 0044 0532 0130 00' }, // spaces, lower case
      { kind: 'payment-card-bin', value: '4111111111111111' }, // a full card number
      { kind: 'bank-account', value: '12345678' }, // no country
      { kind: 'payment-service-account', value: 'vendor@example.com' }, // no provider
      { kind: 'money-transfer-receiver', value: 'J. Doe', provider: 'Western Union' }, // no country
      { kind: 'cheque', value: 'x' },
    ];
    for (const selector of refused) {
      expect(validateV2(withSelector(selector))).toMatchObject({
        ok: false,
        reason: 'SCHEMA_VIOLATION',
      });
    }
    expect(validateV2(withSelector({ kind: 'payment-card-bin', value: '41111111' }))).toMatchObject(
      { ok: true },
    );
  });
});

describe('readerBreaks: what a new version may not change silently', () => {
  const base = {
    type: 'object',
    required: ['kind', 'at'],
    properties: {
      kind: { type: 'string', enum: ['a', 'b'] },
      at: { $ref: '#/$defs/instant' },
      tags: { type: 'array', items: { type: 'string' } },
    },
    $defs: { instant: { type: 'string', format: 'date-time' } },
  };
  interface Schema {
    required: string[];
    properties: Record<string, Record<string, unknown>>;
    $defs: { instant: Record<string, unknown> };
  }
  const edit = (change: (schema: Schema) => void) => {
    const copy = structuredClone(base) as unknown as Schema;
    change(copy);
    return readerBreaks(base, copy as unknown as JsonObject);
  };

  it('finds each kind of break, through $refs and array items', () => {
    expect(edit((s) => delete s.properties.tags)).toEqual(['/tags: removed']);
    expect(edit((s) => (s.required = ['kind']))).toEqual(['/at: no longer required']);
    expect(edit((s) => (s.properties.kind!.enum = ['a']))).toEqual(['/kind: value "b" removed']);
    expect(edit((s) => (s.$defs.instant.format = 'date'))).toEqual([
      '/at: format "date-time" became "date"',
    ]);
    expect(edit((s) => (s.properties.tags!.items = { type: 'number' }))).toEqual([
      '/tags/items: type string became number',
    ]);
  });

  it('takes additions as compatible: a new property, a new enum value, a looser node', () => {
    expect(
      edit((s) => {
        s.properties.note = { type: 'string' };
        s.properties.kind!.enum = ['a', 'b', 'c'];
        s.properties.tags!.items = { type: ['string', 'number'] };
      }),
    ).toEqual([]);
  });
});

describe('the registry refuses a version that breaks readers of the previous one unless declared', () => {
  const sources = readSchemaSources(SCHEMAS_DIR);
  const v2 = sources.find((s) => s.type === 'online-vendor-report' && s.version === 2)!;
  const withV2 = (schema: Record<string, unknown>): SchemaSource[] => [
    ...sources.filter((s) => s !== v2),
    { ...v2, text: JSON.stringify(schema) },
  ];
  const breaking = (): Record<string, unknown> => {
    const schema = JSON.parse(v2.text) as { required: string[] } & Record<string, unknown>;
    schema.required = schema.required.filter((name) => name !== 'summary');
    return schema;
  };

  it('names the undeclared break', () => {
    expect(() => buildSchemaRegistry(withV2(breaking()))).toThrow(
      /v2\.json: breaks readers of v1 without declaring it in "x-reader-breaks": \/summary: no longer required/,
    );
  });

  it('accepts it declared, and refuses a declaration of a break that is not there', () => {
    const declared = { ...breaking(), 'x-reader-breaks': ['/summary: no longer required'] };
    expect(buildSchemaRegistry(withV2(declared)).versions('online-vendor-report')).toEqual([1, 2]);
    const stale = { ...JSON.parse(v2.text), 'x-reader-breaks': ['/summary: no longer required'] };
    expect(() => buildSchemaRegistry(withV2(stale))).toThrow(/declares a break that is not there/);
  });
});
