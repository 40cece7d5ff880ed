import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  loadSchemaRegistry,
  validateMessage,
  type SchemaRegistry,
} from '../../../src/core/validation';
import {
  FIXTURE_NOW,
  MESSAGE_TYPES,
  payloadBytes,
  validEnvelope,
  type MessageType,
} from '../../helpers/envelopes';
import { FIXTURES_DIR, SCHEMAS_DIR, expectViolation, violationPointsAtInput } from './support';

interface Expectation {
  readonly reason: 'SCHEMA_VIOLATION';
  readonly field: string;
  readonly keyword: string;
}

let registry: SchemaRegistry;
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
});

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'expectations.json')
    .sort();
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function validate(type: MessageType, payload: Buffer) {
  const envelope = validEnvelope(type, { payload });
  return { envelope, result: validateMessage(envelope, { registry, now: FIXTURE_NOW }) };
}

test('the registry knows exactly the shipped message types and versions', () => {
  expect(registry.types()).toEqual([...MESSAGE_TYPES].sort());
  for (const type of MESSAGE_TYPES) {
    expect(registry.versions(type)).toEqual(type === 'online-vendor-report' ? [1, 2] : [1]);
  }
});

describe.each(MESSAGE_TYPES)('%s v1', (type) => {
  const validDir = path.join(FIXTURES_DIR, type, 'valid');
  const invalidDir = path.join(FIXTURES_DIR, type, 'invalid');
  const expectations = readJson(path.join(invalidDir, 'expectations.json')) as Record<
    string,
    Expectation
  >;

  test('has at least 2 valid and 4 invalid fixtures, each invalid one with an expectation', () => {
    expect(jsonFiles(validDir).length).toBeGreaterThanOrEqual(2);
    expect(jsonFiles(invalidDir).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(expectations).sort()).toEqual(jsonFiles(invalidDir));
  });

  test('the schema has the $id, title and examples the conventions require', () => {
    const schema = registry.validatorFor(type, 1)?.schema;
    expect(schema?.$id).toBe(`https://schemas.intelroute.org/${type}/v1.json`);
    expect(typeof schema?.title).toBe('string');
    expect(Array.isArray(schema?.examples) && schema.examples.length).toBeGreaterThanOrEqual(1);
  });

  test("every example of the schema is accepted, with the schema's $id", () => {
    const examples = registry.validatorFor(type, 1)?.schema.examples as unknown[];
    for (const example of examples) {
      const { result } = validate(type, payloadBytes(example));
      expect(result).toEqual({
        ok: true,
        payload: example,
        schemaId: `https://schemas.intelroute.org/${type}/v1.json`,
      });
    }
  });

  test.each(jsonFiles(validDir))('valid/%s is accepted', (file) => {
    const payload = readJson(path.join(validDir, file));
    const { result } = validate(type, payloadBytes(payload));
    expect(result).toMatchObject({ ok: true, payload });
  });

  test.each(jsonFiles(invalidDir))('invalid/%s is refused as expected', (file) => {
    const expected = expectations[file] as Expectation;
    const { envelope, result } = validate(type, readFileSync(path.join(invalidDir, file)));
    expectViolation(result, expected.reason, expected.field, expected.keyword);
    if (!result.ok) {
      for (const violation of result.violations) {
        expect(violationPointsAtInput(envelope, violation)).toBe(true);
      }
    }
  });
});
