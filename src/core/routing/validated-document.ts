import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { IntelrouteError, type ErrorCode } from '../errors';

/** How to load one kind of configuration document. */
export interface DocumentSpec {
  /** For messages, e.g. `routing rules`. */
  readonly label: string;
  /** The code thrown when the document is unusable. */
  readonly errorCode: ErrorCode;
  /** The compiled JSON Schema (compiled once at module load, never per call). */
  readonly validate: ValidateFunction;
  /** Cross-field checks; given the raw value even when the schema failed, so both report. */
  readonly check: (value: unknown) => readonly string[];
}

/**
 * Parses YAML or JSON text (YAML 1.2 is a superset of JSON), validates it against the spec's
 * schema and cross-field checks, and returns the raw validated value deep-frozen.
 * @throws IntelrouteError `spec.errorCode` listing every problem, one per line, also in
 *   `details.problems`.
 */
export function parseValidatedDocument(text: string, spec: DocumentSpec): unknown {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    fail(
      spec,
      document.errors.map((error) => {
        const firstLine = error.message.split('\n')[0] ?? error.code;
        return `syntax: ${firstLine.replace(/:$/, '')}`;
      }),
    );
  }
  const value: unknown = document.toJS();
  const problems: string[] = [];
  if (!spec.validate(value)) problems.push(...describeSchemaErrors(spec.validate.errors ?? []));
  problems.push(...spec.check(value));
  if (problems.length > 0) fail(spec, problems);
  return deepFreeze(value);
}

function fail(spec: DocumentSpec, problems: readonly string[]): never {
  throw new IntelrouteError(
    spec.errorCode,
    `invalid ${spec.label}:\n  - ${problems.join('\n  - ')}`,
    { details: { problems: [...problems] } },
  );
}

/** One line per schema error: `/rules/2/actions/0: must be equal to one of the allowed values (…)`. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): string[] {
  const lines = new Set<string>();
  for (const error of errors) {
    const where = error.instancePath === '' ? '/' : error.instancePath;
    lines.add(`${where}: ${error.message ?? error.keyword}${detailOf(error)}`);
  }
  return [...lines];
}

function detailOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return ` "${String(error.params.additionalProperty)}"`;
  }
  if (error.keyword === 'const') return ` (${JSON.stringify(error.params.allowedValue)})`;
  if (error.keyword === 'enum') {
    return ` (${(error.params.allowedValues as unknown[]).map(String).join(', ')})`;
  }
  return '';
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** `value` as a plain object, or undefined (for cross-field checks on unvalidated input). */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
