import path from 'node:path';
import type { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import type {
  ValidationFailure,
  ValidationReason,
  ValidationResult,
  Violation,
} from '../../../src/core/validation';

/** The repository's schemas folder. */
export const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', '..', 'schemas');

/** The repository's message fixtures folder. */
export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'messages');

/** Asserts a refusal and returns it typed. */
export function refused(result: ValidationResult): ValidationFailure {
  if (result.ok) throw new Error('expected a refusal, the message was accepted');
  return result;
}

/**
 * Asserts that the result is a refusal for `reason` whose violations are exactly one, at
 * `field`, for `keyword`.
 */
export function expectOnlyViolation(
  result: ValidationResult,
  reason: ValidationReason,
  field: string,
  keyword: string,
): Violation {
  const failure = refused(result);
  expect({
    reason: failure.reason,
    violations: failure.violations.map((v) => [v.field, v.keyword]),
  }).toEqual({
    reason,
    violations: [[field, keyword]],
  });
  return failure.violations[0] as Violation;
}

/** Asserts a refusal for `reason` with (at least) a violation at `field` for `keyword`. */
export function expectViolation(
  result: ValidationResult,
  reason: ValidationReason,
  field: string,
  keyword: string,
): void {
  const failure = refused(result);
  expect(failure.reason).toBe(reason);
  expect(failure.violations.map((v) => [v.field, v.keyword])).toContainEqual([field, keyword]);
}

const PROTO_SEGMENT = /^([a-z_]+)((?:\[\d+\])*)$/;

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * True when `field` (proto field path, e.g. `destinations[0].country`) names a field that
 * exists in `envelope`: every parent message is present and every index is in range. Oneof
 * members are reached through the generated `target` union and must be the active case.
 */
export function envelopeFieldExists(envelope: Envelope, field: string): boolean {
  let node: unknown = envelope;
  for (const segment of field.split('.')) {
    const match = PROTO_SEGMENT.exec(segment);
    if (match === null || !isRecord(node)) return false;
    const name = match[1] as string;
    let parent: Record<string, unknown> = node;
    if ('target' in parent && (name === 'country' || name === 'channel')) {
      const target = parent.target;
      if (!isRecord(target) || target.$case !== name) return false;
      parent = target;
    }
    const key = camel(name);
    if (!(key in parent)) return false;
    node = parent[key];
    for (const index of (match[2] ?? '').match(/\d+/g) ?? []) {
      if (!Array.isArray(node) || Number(index) >= node.length) return false;
      node = node[Number(index)];
    }
  }
  return true;
}

/** Resolves a JSON pointer (without leading `#`) in `root`; `{ found: false }` when absent. */
export function resolvePointer(
  root: unknown,
  pointer: string,
): { found: boolean; value?: unknown } {
  if (pointer === '') return { found: true, value: root };
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= node.length)
        return { found: false };
      node = node[Number(segment)];
    } else if (isRecord(node) && Object.prototype.hasOwnProperty.call(node, segment)) {
      node = node[segment];
    } else return { found: false };
  }
  return { found: true, value: node };
}

/**
 * True when the violation points at a real place of the input: an envelope field that exists,
 * the payload itself, or a payload location that exists — for `required`, the parent exists
 * and the named property is absent.
 */
export function violationPointsAtInput(envelope: Envelope, violation: Violation): boolean {
  const { field, keyword } = violation;
  if (!field.startsWith('payload/')) return envelopeFieldExists(envelope, field);
  const pointer = field.slice('payload'.length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(envelope.payload.toString('utf8'));
  } catch {
    return false;
  }
  if (keyword !== 'required') return resolvePointer(parsed, pointer).found;
  const parent = pointer.slice(0, pointer.lastIndexOf('/'));
  return resolvePointer(parsed, parent).found && !resolvePointer(parsed, pointer).found;
}
