import { isJsonObject, resolveSchemaPointer, type JsonObject } from './schema-walk';

/**
 * What a newer version of a payload schema changes that a reader coded against the older one
 * relies on: a property it reads is gone or no longer required, its type or format changed, an
 * enum value it handles was removed. Additions (new properties, new enum values, looser limits)
 * are not breaks. Local `$ref`s are followed in each schema; `allOf`/`anyOf`/`oneOf`/`if` are not
 * compared (they refine, they do not name what is there). Each break is
 * `<path>: <what changed>`, the path being the payload's (`/handles/items/platform`).
 */
export function readerBreaks(older: JsonObject, newer: JsonObject): string[] {
  const breaks: string[] = [];
  compareNode({ older, newer, breaks }, older, newer, '');
  return breaks;
}

interface Roots {
  readonly older: JsonObject;
  readonly newer: JsonObject;
  readonly breaks: string[];
}

/** How deep `$ref`s are followed: the shipped schemas are not recursive, a hostile one may be. */
const MAX_DEPTH = 32;

function compareNode(roots: Roots, olderNode: unknown, newerNode: unknown, at: string): void {
  if (at.split('/').length > MAX_DEPTH) return;
  const before = resolved(roots.older, olderNode);
  const after = resolved(roots.newer, newerNode);
  if (before === undefined) return;
  const where = at === '' ? '/' : at;
  if (after === undefined) {
    roots.breaks.push(`${where}: no longer described`);
    return;
  }
  compareType(roots.breaks, before, after, where);
  compareEnum(roots.breaks, before, after, where);
  if (before.format !== after.format) {
    roots.breaks.push(`${where}: format ${show(before.format)} became ${show(after.format)}`);
  }
  compareProperties(roots, before, after, at);
  if (before.items !== undefined) compareNode(roots, before.items, after.items, `${at}/items`);
}

function compareType(breaks: string[], before: JsonObject, after: JsonObject, at: string): void {
  const was = typesOf(before);
  const is = typesOf(after);
  if (was === undefined) return;
  if (is === undefined || was.some((type) => !is.includes(type))) {
    breaks.push(`${at}: type ${was.join('|')} became ${is?.join('|') ?? 'any'}`);
  }
}

function compareEnum(breaks: string[], before: JsonObject, after: JsonObject, at: string): void {
  const was = valuesOf(before);
  if (was === undefined) return;
  const is = valuesOf(after);
  if (is === undefined) return; // any value now: a widening
  const kept = new Set(is.map((value) => JSON.stringify(value)));
  for (const value of was) {
    if (!kept.has(JSON.stringify(value))) breaks.push(`${at}: value ${show(value)} removed`);
  }
}

function compareProperties(roots: Roots, before: JsonObject, after: JsonObject, at: string): void {
  const was = isJsonObject(before.properties) ? before.properties : {};
  const is = isJsonObject(after.properties) ? after.properties : {};
  for (const name of Object.keys(was)) {
    if (!(name in is)) roots.breaks.push(`${at}/${name}: removed`);
    else compareNode(roots, was[name], is[name], `${at}/${name}`);
  }
  const required = new Set(stringsOf(after.required));
  for (const name of stringsOf(before.required)) {
    if (!required.has(name)) roots.breaks.push(`${at}/${name}: no longer required`);
  }
}

/**
 * The node with its local `$ref` followed (a few hops): the target's keywords, overridden by the
 * node's own siblings of `$ref` (2020-12 applies both).
 */
function resolved(root: JsonObject, node: unknown): JsonObject | undefined {
  if (!isJsonObject(node)) return undefined;
  let merged: JsonObject = node;
  for (let hops = 0; hops < 8; hops += 1) {
    const ref = merged.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#')) return merged;
    const target = resolveSchemaPointer(root, ref);
    if (!isJsonObject(target)) return undefined;
    const { $ref: _followed, ...siblings } = merged;
    merged = { ...target, ...siblings };
  }
  return merged;
}

function typesOf(node: JsonObject): string[] | undefined {
  if (typeof node.type === 'string') return [node.type];
  return Array.isArray(node.type) ? stringsOf(node.type) : undefined;
}

function valuesOf(node: JsonObject): unknown[] | undefined {
  if ('const' in node) return [node.const];
  return Array.isArray(node.enum) ? node.enum : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}
