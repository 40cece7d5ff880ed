import type { ErrorObject } from 'ajv';
import {
  escapePointerSegment,
  isJsonObject,
  resolveSchemaPointer,
  type JsonObject,
} from './schema-walk';
import type { Violation } from './validation-types';

/** How many allowed values or property names a message lists. */
const MAX_LISTED = 40;

/** Checks whose failure is implied by a `maxLength` failure at the same place. */
const SHADOWED_BY_MAX_LENGTH = new Set(['pattern', 'format']);

/**
 * Maps ajv errors to violations: field = `payload` + the JSON pointer (for `required`, the
 * missing property's own path), keyword = the JSON Schema keyword (`false schema` becomes
 * `notAllowed`). Messages come from ajv's templates and the schema (limits, allowed values,
 * property names), never from the data; an unexpected property is reported at its parent
 * without its name, since the name is payload content. `if` errors are dropped (their `then`
 * errors are reported), as are pattern/format errors where maxLength already failed.
 */
export function violationsFromAjv(errors: readonly ErrorObject[], schema: JsonObject): Violation[] {
  const kept = errors.filter((e) => e.keyword !== 'if');
  const tooLong = new Set(kept.filter((e) => e.keyword === 'maxLength').map((e) => e.instancePath));
  return kept
    .filter((e) => !(SHADOWED_BY_MAX_LENGTH.has(e.keyword) && tooLong.has(e.instancePath)))
    .map((e) => ({ field: fieldOf(e), keyword: keywordOf(e), message: messageOf(e, schema) }));
}

function fieldOf(error: ErrorObject): string {
  const missing: unknown = error.keyword === 'required' ? error.params.missingProperty : undefined;
  const suffix = typeof missing === 'string' ? `/${escapePointerSegment(missing)}` : '';
  return `payload${error.instancePath}${suffix}`;
}

function keywordOf(error: ErrorObject): string {
  return error.keyword === 'false schema' ? 'notAllowed' : error.keyword;
}

function messageOf(error: ErrorObject, schema: JsonObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return `must not have properties other than: ${allowedProperties(error, schema)}`;
    case 'enum':
      return `must be one of: ${listed(error.params.allowedValues)}`;
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'false schema':
      return 'is not allowed here';
    default:
      return error.message ?? `must satisfy ${error.keyword}`;
  }
}

function allowedProperties(error: ErrorObject, schema: JsonObject): string {
  const parentPointer = error.schemaPath.replace(/\/additionalProperties$/, '');
  const parent = resolveSchemaPointer(schema, parentPointer);
  const properties = isJsonObject(parent) ? parent.properties : undefined;
  return isJsonObject(properties) ? listed(Object.keys(properties)) : '(none)';
}

function listed(values: unknown): string {
  if (!Array.isArray(values)) return '';
  const shown = values
    .slice(0, MAX_LISTED)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return values.length > MAX_LISTED ? `${shown.join(', ')}, …` : shown.join(', ');
}
