import {
  buildSchemaRegistry,
  loadSchemaRegistry,
  readSchemaSources,
  type SchemaSource,
} from '../../../src/core/validation';
import { isIntelrouteError } from '../../../src/core/errors';
import { SCHEMAS_DIR } from './support';

/** A minimal schema that follows the house rules, for `type` version `version`. */
function schemaText(type: string, version: number, patch: Record<string, unknown> = {}): string {
  return JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://schemas.intelroute.org/${type}/v${version}.json`,
    title: 'Test',
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { type: 'string', maxLength: 10 } },
    examples: [{ name: 'ok' }],
    ...patch,
  });
}
const source = (type: string, version: number, text = schemaText(type, version)): SchemaSource => ({
  file: `schemas/${type}/v${version}.json`,
  type,
  version,
  text,
});

/** Runs `build` and returns the SCHEMA_INVALID message it throws. */
function startupError(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    if (isIntelrouteError(error, 'SCHEMA_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected start-up to fail');
}

describe('loadSchemaRegistry on the repository schemas', () => {
  test('reads every <type>/v<N>.json and nothing else (README.md is ignored)', () => {
    const sources = readSchemaSources(SCHEMAS_DIR);
    expect(sources.map((s) => `${s.type}/v${s.version}`).sort()).toEqual([
      'contact-point-update/v1',
      'information-request/v1',
      'information-response/v1',
      'link-alert/v1',
      'online-vendor-report/v1',
      'online-vendor-report/v2',
      'request-overdue-notice/v1',
      'seizure-report/v1',
      'training-event/v1',
      'working-group-contribution/v1',
    ]);
  });
  test('exposes compiled validators by type and version, undefined otherwise', () => {
    const registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
    const compiled = registry.validatorFor('seizure-report', 1);
    expect(compiled?.schemaId).toBe('https://schemas.intelroute.org/seizure-report/v1.json');
    expect(compiled?.validate({})).toBe(false);
    expect(registry.validatorFor('seizure-report', 2)).toBeUndefined();
    expect(registry.validatorFor('__proto__', 1)).toBeUndefined();
    expect(registry.versions('nope')).toEqual([]);
  });
  test('a missing folder fails start-up naming it', () => {
    expect(
      startupError(() => loadSchemaRegistry({ schemasDir: '/nonexistent/schemas' })),
    ).toContain('/nonexistent/schemas');
  });
});

describe('buildSchemaRegistry', () => {
  test('retired versions are no longer offered', () => {
    const registry = buildSchemaRegistry([source('a-type', 1), source('a-type', 2)], {
      retiredVersions: { 'a-type': [1] },
    });
    expect(registry.versions('a-type')).toEqual([2]);
    expect(registry.validatorFor('a-type', 1)).toBeUndefined();
    expect(registry.validatorFor('a-type', 2)?.version).toBe(2);
  });
  test.each([
    ['text that is not JSON', '{"$schema":', 'not JSON'],
    [
      'a schema ajv cannot compile in strict mode',
      schemaText('a-type', 1, {
        properties: { name: { type: 'string', maxLength: 10, unknownKeyword: 1 } },
      }),
      'does not compile',
    ],
    [
      'an $id that does not match the file',
      schemaText('a-type', 1, { $id: 'https://schemas.intelroute.org/other/v1.json' }),
      '"$id" must be',
    ],
    [
      'another dialect',
      schemaText('a-type', 1, { $schema: 'http://json-schema.org/draft-07/schema#' }),
      '"$schema" must be',
    ],
    ['no examples', schemaText('a-type', 1, { examples: [] }), '"examples" must hold'],
    [
      'an example that does not validate',
      schemaText('a-type', 1, { examples: [{ name: 'far too long a name' }] }),
      'examples[0] does not validate',
    ],
    [
      'a string without maxLength',
      schemaText('a-type', 1, { properties: { name: { type: 'string' } } }),
      '#/properties/name: string without maxLength',
    ],
    [
      'an unsafe pattern',
      schemaText('a-type', 1, {
        properties: { name: { type: 'string', maxLength: 10, pattern: '^(a+)+$' } },
      }),
      'pattern has an unbounded quantifier',
    ],
    [
      'an open object',
      schemaText('a-type', 1, { additionalProperties: true }),
      '#: object without "additionalProperties": false',
    ],
  ])('%s fails start-up naming the file', (_name, text, problem) => {
    const message = startupError(() => buildSchemaRegistry([source('a-type', 1, text)]));
    expect(message).toContain('schemas/a-type/v1.json');
    expect(message).toContain(problem);
  });
  test('every problem of every file is listed at once', () => {
    const broken = [
      source('a-type', 1, 'nope'),
      source('b-type', 1, schemaText('b-type', 1, { title: 3 })),
    ];
    const message = startupError(() => buildSchemaRegistry(broken));
    expect(message).toContain('schemas/a-type/v1.json: not JSON');
    expect(message).toContain('schemas/b-type/v1.json: "title" is missing');
  });
  test.each([
    [{ 'no-type': [1] }, 'unknown message type "no-type"'],
    [{ 'a-type': [3] }, 'a-type has no version 3'],
    [{ 'a-type': [1, 2] }, 'every version of a-type would be retired'],
  ])('retiredVersions %j fails start-up', (retiredVersions, problem) => {
    const sources = [source('a-type', 1), source('a-type', 2)];
    expect(startupError(() => buildSchemaRegistry(sources, { retiredVersions }))).toContain(
      problem,
    );
  });
  test('no schema at all fails start-up', () => {
    expect(startupError(() => buildSchemaRegistry([]))).toContain('no schema found');
  });
});
