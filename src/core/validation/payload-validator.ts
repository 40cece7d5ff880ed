import { failure } from './failure';
import { findStructureProblem, type StructureProblem } from './json-structure';
import { violationsFromAjv } from './ajv-violations';
import type { CompiledSchema } from './schema-registry';
import type { ValidationResult, ValidationReason } from './validation-types';

/** Default payload size limit: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

export interface PayloadOptions {
  /** Largest accepted payload, in bytes. */
  readonly maxPayloadBytes: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks the payload bytes in order — size, UTF-8 (no byte-order mark), structure (depth and
 * entry counts no schema location allows, repeated member names, unpaired surrogate escapes),
 * JSON syntax, then the schema — and stops at the
 * first failing stage. Never throws for any input;
 * no message contains payload content.
 */
export function validatePayload(
  payload: Uint8Array,
  schema: CompiledSchema,
  options: PayloadOptions,
): ValidationResult {
  if (payload.length > options.maxPayloadBytes) {
    const message = `must not be larger than ${options.maxPayloadBytes} bytes (is ${payload.length})`;
    return single('PAYLOAD_TOO_LARGE', 'maxBytes', message);
  }
  const text = decodeUtf8(payload);
  if (typeof text !== 'string') return text;
  const shape = findStructureProblem(payload, schema.limits);
  if (shape !== undefined) {
    const field = {
      field: `payload${shape.pointer}`,
      keyword: shape.keyword,
      message: shape.message,
    };
    return failure(REASON_OF_PROBLEM[shape.keyword] ?? 'SCHEMA_VIOLATION', [field]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return single('PAYLOAD_NOT_JSON', 'json', 'is not a JSON document');
  }
  return checkSchema(value, schema);
}

/** Problems of the text itself rather than of its shape. */
const REASON_OF_PROBLEM: Partial<Record<StructureProblem['keyword'], ValidationReason>> = {
  duplicateKey: 'PAYLOAD_NOT_JSON',
  unpairedSurrogate: 'PAYLOAD_NOT_UTF8',
};

function decodeUtf8(payload: Uint8Array): string | ValidationResult {
  if (payload[0] === 0xef && payload[1] === 0xbb && payload[2] === 0xbf) {
    return single('PAYLOAD_NOT_UTF8', 'encoding', 'must not start with a byte-order mark');
  }
  try {
    return UTF8.decode(payload);
  } catch {
    return single('PAYLOAD_NOT_UTF8', 'encoding', 'must be valid UTF-8');
  }
}

function checkSchema(value: unknown, schema: CompiledSchema): ValidationResult {
  if (schema.validate(value)) return { ok: true, payload: value, schemaId: schema.schemaId };
  const violations = violationsFromAjv(schema.validate.errors ?? [], schema.schema);
  if (violations.length === 0) {
    return single('SCHEMA_VIOLATION', 'schema', `does not match ${schema.schemaId}`);
  }
  return failure('SCHEMA_VIOLATION', violations);
}

function single(reason: ValidationReason, keyword: string, message: string): ValidationResult {
  return failure(reason, [{ field: 'payload', keyword, message }]);
}
