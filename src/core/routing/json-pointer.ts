/** The result of resolving a JSON pointer: found with its value, or not found. */
export type PointerLookup =
  { readonly found: true; readonly value: unknown } | { readonly found: false };

/**
 * Resolves an RFC 6901 JSON pointer (`/a/0/b~1c`) against a parsed JSON value. Array tokens
 * must be canonical indices; `-` and out-of-range indices are "not found". Own properties only,
 * so `/__proto__` or `/constructor` never reach Object.prototype.
 */
export function resolvePointer(document: unknown, pointer: string): PointerLookup {
  if (pointer === '') return { found: true, value: document };
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const next = childOf(node, token);
    if (!next.found) return next;
    node = next.value;
  }
  return { found: true, value: node };
}

function childOf(node: unknown, token: string): PointerLookup {
  if (Array.isArray(node)) {
    if (!/^(0|[1-9][0-9]*)$/.test(token)) return { found: false };
    const index = Number(token);
    return index < node.length ? { found: true, value: node[index] } : { found: false };
  }
  if (typeof node === 'object' && node !== null && Object.hasOwn(node, token)) {
    return { found: true, value: (node as Record<string, unknown>)[token] };
  }
  return { found: false };
}

/** Deep equality of JSON values (objects compared by keys regardless of order). */
export function jsonEquals(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return false;
  }
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  const rightRecord = right as Record<string, unknown>;
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every(
    (key) =>
      Object.hasOwn(right, key) &&
      jsonEquals((left as Record<string, unknown>)[key], rightRecord[key]),
  );
}
