import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { IntelrouteError } from '../errors';
import { guardedFormats } from './guarded-formats';
import { structureLimitsFor, type StructureLimits } from './json-structure';
import { readerBreaks } from './schema-compat';
import { readSchemaSources, type SchemaSource } from './schema-files';
import { lintSchema } from './schema-lint';
import { isJsonObject, type JsonObject } from './schema-walk';

/** The top-level annotation by which a new version declares what it breaks (schema-compat). */
export const READER_BREAKS_KEYWORD = 'x-reader-breaks';

/** The JSON Schema dialect every payload schema declares. */
export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The `$id` a schema for `type` version `version` must have. */
export function schemaIdFor(type: string, version: number): string {
  return `https://schemas.intelroute.org/${type}/v${version}.json`;
}

/** One compiled payload schema. */
export interface CompiledSchema {
  readonly type: string;
  readonly version: number;
  readonly schemaId: string;
  /** ajv's validator (allErrors): call it, then read its `errors`. */
  readonly validate: ValidateFunction;
  /** The schema as read (deep-frozen), to explain violations. */
  readonly schema: JsonObject;
  /** Shapes no valid payload exceeds, checked before parsing. */
  readonly limits: StructureLimits;
}

/** The accepted payload schemas, compiled once at start-up. */
export interface SchemaRegistry {
  /** Known message types, sorted. */
  types(): readonly string[];
  /** Accepted (not retired) versions of `type`, ascending; empty for an unknown type. */
  versions(type: string): readonly number[];
  /** The compiled schema, or undefined when the type is unknown or the version not accepted. */
  validatorFor(type: string, version: number): CompiledSchema | undefined;
}

export interface SchemaRegistryOptions {
  /** Versions no longer accepted, per message type (from configuration), e.g. `{ "seizure-report": [1] }`. */
  readonly retiredVersions?: Readonly<Record<string, readonly number[]>>;
}

export interface LoadSchemaRegistryOptions extends SchemaRegistryOptions {
  /** The folder holding `<type>/v<N>.json` files (the repository's `schemas/`). */
  readonly schemasDir: string;
}

/**
 * Reads every schema file under `schemasDir` once and builds the registry.
 * @throws IntelrouteError SCHEMA_INVALID listing every problem, each naming its file.
 */
export function loadSchemaRegistry(options: LoadSchemaRegistryOptions): SchemaRegistry {
  return buildSchemaRegistry(readSchemaSources(options.schemasDir), options);
}

/**
 * Builds the registry from schema texts (pure apart from ajv's code generation): parses,
 * checks `$schema`, `$id` and the house rules (schema-lint), compiles with ajv's 2020-12 build
 * in strict mode, and checks that every `examples` entry validates.
 * @throws IntelrouteError SCHEMA_INVALID listing every problem, each naming its file.
 */
export function buildSchemaRegistry(
  sources: readonly SchemaSource[],
  options: SchemaRegistryOptions = {},
): SchemaRegistry {
  const ajv = new Ajv2020({ strict: true, allErrors: true, formats: guardedFormats() });
  ajv.addKeyword({ keyword: READER_BREAKS_KEYWORD, schemaType: 'array' });
  const problems: string[] = [];
  const compiled = new Map<string, Map<number, CompiledSchema>>();
  for (const source of sources) {
    const result = compileSource(ajv, source);
    if (typeof result === 'string') problems.push(`${source.file}: ${result}`);
    else versionMap(compiled, source.type).set(source.version, result);
  }
  const retired = retiredSets(compiled, options.retiredVersions ?? {}, problems);
  problems.push(...undeclaredReaderBreaks(compiled, sources));
  if (sources.length === 0) problems.push('no schema found');
  if (problems.length > 0) {
    const list = problems.map((p) => `- ${p}`).join('\n');
    throw new IntelrouteError('SCHEMA_INVALID', `payload schemas are invalid:\n${list}`, {
      details: { problems },
    });
  }
  return registryOver(compiled, retired);
}

function versionMap(
  all: Map<string, Map<number, CompiledSchema>>,
  type: string,
): Map<number, CompiledSchema> {
  const existing = all.get(type);
  if (existing !== undefined) return existing;
  const created = new Map<number, CompiledSchema>();
  all.set(type, created);
  return created;
}

/** @returns the compiled schema, or a problem description. */
function compileSource(ajv: Ajv2020, source: SchemaSource): CompiledSchema | string {
  let schema: unknown;
  try {
    schema = JSON.parse(source.text);
  } catch (cause) {
    return `not JSON (${(cause as Error).message})`;
  }
  if (!isJsonObject(schema)) return 'not a JSON object';
  const header = headerProblems(schema, source);
  if (header.length > 0) return header.join('; ');
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (cause) {
    return `does not compile: ${(cause as Error).message}`;
  }
  const badExample = firstInvalidExample(validate, schema.examples);
  if (badExample !== undefined) return badExample;
  const frozen = deepFreeze(schema);
  const schemaId = schemaIdFor(source.type, source.version);
  const limits = structureLimitsFor(frozen);
  return { type: source.type, version: source.version, schemaId, validate, schema: frozen, limits };
}

function headerProblems(schema: JsonObject, source: SchemaSource): string[] {
  const problems: string[] = [];
  const expectedId = schemaIdFor(source.type, source.version);
  if (schema.$schema !== SCHEMA_DIALECT) problems.push(`"$schema" must be "${SCHEMA_DIALECT}"`);
  if (schema.$id !== expectedId) problems.push(`"$id" must be "${expectedId}"`);
  if (typeof schema.title !== 'string') problems.push('"title" is missing');
  if (!Array.isArray(schema.examples) || schema.examples.length === 0) {
    problems.push('"examples" must hold at least one valid payload');
  }
  return [...problems, ...lintSchema(schema)];
}

function firstInvalidExample(validate: ValidateFunction, examples: unknown): string | undefined {
  if (!Array.isArray(examples)) return undefined;
  const index = examples.findIndex((example) => !validate(example));
  if (index < 0) return undefined;
  const errors = (validate.errors ?? []).slice(0, 3);
  const text = errors.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`).join('; ');
  return `examples[${index}] does not validate: ${text}`;
}

/**
 * Version N+1 of a type may break what readers of version N rely on (schema-compat) only by
 * saying so: its top-level `x-reader-breaks` lists each break exactly as readerBreaks words it.
 * An undeclared break, or a declared one that is not there, is a problem.
 */
function undeclaredReaderBreaks(
  compiled: ReadonlyMap<string, ReadonlyMap<number, CompiledSchema>>,
  sources: readonly SchemaSource[],
): string[] {
  const problems: string[] = [];
  for (const [type, versions] of compiled) {
    for (const [version, newer] of versions) {
      const older = versions.get(version - 1);
      if (older === undefined) continue;
      const found = readerBreaks(older.schema, newer.schema);
      const declared = stringList(newer.schema[READER_BREAKS_KEYWORD]);
      const file = sources.find((s) => s.type === type && s.version === version)?.file ?? type;
      for (const change of found.filter((f) => !declared.includes(f))) {
        problems.push(
          `${file}: breaks readers of v${version - 1} without declaring it in "${READER_BREAKS_KEYWORD}": ${change}`,
        );
      }
      for (const change of declared.filter((d) => !found.includes(d))) {
        problems.push(
          `${file}: "${READER_BREAKS_KEYWORD}" declares a break that is not there: ${change}`,
        );
      }
    }
  }
  return problems;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function retiredSets(
  compiled: ReadonlyMap<string, ReadonlyMap<number, CompiledSchema>>,
  retiredVersions: Readonly<Record<string, readonly number[]>>,
  problems: string[],
): Map<string, Set<number>> {
  const retired = new Map<string, Set<number>>();
  for (const [type, versions] of Object.entries(retiredVersions)) {
    const known = compiled.get(type);
    if (known === undefined) {
      problems.push(`retiredVersions: unknown message type "${type}"`);
      continue;
    }
    for (const v of versions) {
      if (!known.has(v)) problems.push(`retiredVersions: ${type} has no version ${v}`);
    }
    const set = new Set(versions);
    if ([...known.keys()].every((v) => set.has(v))) {
      problems.push(`retiredVersions: every version of ${type} would be retired`);
    }
    retired.set(type, set);
  }
  return retired;
}

function registryOver(
  compiled: ReadonlyMap<string, ReadonlyMap<number, CompiledSchema>>,
  retired: ReadonlyMap<string, ReadonlySet<number>>,
): SchemaRegistry {
  const accepted = new Map<string, ReadonlyMap<number, CompiledSchema>>();
  for (const [type, versions] of compiled) {
    const out = [...versions].filter(([v]) => !(retired.get(type)?.has(v) ?? false));
    accepted.set(type, new Map(out.sort(([a], [b]) => a - b)));
  }
  const types = Object.freeze([...accepted.keys()].sort());
  const versionLists = new Map(
    [...accepted].map(([type, versions]) => [type, Object.freeze([...versions.keys()])]),
  );
  return Object.freeze({
    types: () => types,
    versions: (type: string) => versionLists.get(type) ?? [],
    validatorFor: (type: string, version: number) => accepted.get(type)?.get(version),
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
