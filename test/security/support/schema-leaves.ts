import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MESSAGE_TYPES, type MessageType } from '../../../src/contract/message-types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'messages');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = { readonly [key: string]: Json };

/** A string in a valid fixture payload, with every `pattern` its schema may apply to it. */
export interface PatternLeaf {
  readonly type: MessageType;
  readonly fixture: string;
  /** The fixture payload (parsed). */
  readonly payload: Json;
  /** JSON pointer of the string in the payload. */
  readonly pointer: string;
  readonly value: string;
  readonly patterns: readonly string[];
}

/** The schema of a message type (v1). */
export function schemaOf(type: MessageType): Node {
  return JSON.parse(readFileSync(path.join(ROOT, 'schemas', type, 'v1.json'), 'utf8')) as Node;
}

/** Every `pattern` string in a schema document (examples excluded). */
export function patternsIn(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => patternsIn(child, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.add(value);
      else if (key !== 'examples') patternsIn(value, found);
    }
  }
  return found;
}

/**
 * Every string leaf of every valid fixture payload, with the patterns the schema may apply
 * to it: the schema is walked beside the value through properties, items, local `$ref`s and
 * the in-place applicators (allOf/anyOf/oneOf/if-then-else), so a per-chain wallet pattern
 * under `then` is found for `/wallets/0/address`.
 */
export function patternLeaves(): PatternLeaf[] {
  return MESSAGE_TYPES.flatMap((type) => {
    const schema = schemaOf(type);
    const dir = path.join(FIXTURES, type, 'valid');
    const payloads: [string, Json][] = readdirSync(dir).map((fixture) => [
      fixture,
      JSON.parse(readFileSync(path.join(dir, fixture), 'utf8')) as Json,
    ]);
    const [first] = payloads;
    for (const [name, extra] of OPTIONAL_FIELDS[type] ?? []) {
      if (first !== undefined) payloads.push([name, { ...(first[1] as Node), ...extra }]);
    }
    return payloads.flatMap(([fixture, payload]) => {
      const leaves: Omit<PatternLeaf, 'type' | 'fixture' | 'payload'>[] = [];
      walk(schema, [schema], payload, '', leaves);
      return leaves.map((leaf) => ({ type, fixture, payload, ...leaf }));
    });
  });
}

/**
 * Optional fields no valid fixture sets, added to the type's first fixture so that every
 * pattern of the schemas governs at least one leaf.
 */
const OPTIONAL_FIELDS: Partial<Record<MessageType, readonly [string, Node][]>> = {
  'information-request': [['+legalBasis', { legalBasis: 'Article 3 of the agreement' }]],
  'working-group-contribution': [['+references', { references: [{ title: 'Annual report' }] }]],
};

function walk(
  root: Node,
  nodes: readonly Node[],
  value: Json,
  pointer: string,
  out: Omit<PatternLeaf, 'type' | 'fixture' | 'payload'>[],
): void {
  const here = nodes.flatMap((node) => expand(root, node));
  if (typeof value === 'string') {
    const patterns = [
      ...new Set(here.flatMap((n) => (typeof n.pattern === 'string' ? [n.pattern] : []))),
    ];
    if (patterns.length > 0) out.push({ pointer, value, patterns });
    return;
  }
  if (Array.isArray(value)) {
    const items = here.flatMap((n) => (isNode(n.items) ? [n.items] : []));
    value.forEach((item, index) => walk(root, items, item, `${pointer}/${index}`, out));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const props = here.flatMap((n) => {
        const sub = isNode(n.properties) ? n.properties[key] : undefined;
        return isNode(sub) ? [sub] : [];
      });
      walk(root, props, child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  }
}

/** The node, its local `$ref` target and its in-place applicators' subschemas, recursively. */
function expand(root: Node, node: Node, depth = 0): Node[] {
  if (depth > 16) return [node];
  const found: Node[] = [node];
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    const target = node.$ref
      .slice(2)
      .split('/')
      .reduce<Json | undefined>(
        (at, part) => (isNode(at) ? at[part] : undefined),
        root as unknown as Json,
      );
    if (isNode(target)) found.push(...expand(root, target, depth + 1));
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = node[key];
    if (Array.isArray(list)) {
      list.forEach((sub) => isNode(sub) && found.push(...expand(root, sub, depth + 1)));
    }
  }
  for (const key of ['then', 'else']) {
    const sub = node[key];
    if (isNode(sub)) found.push(...expand(root, sub, depth + 1));
  }
  return found;
}

function isNode(value: Json | undefined): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `payload` with the string at `pointer` replaced by `leaf`. */
export function withLeaf(payload: Json, pointer: string, leaf: string): Json {
  const copy = structuredClone(payload);
  const keys = pointer
    .slice(1)
    .split('/')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop() as string;
  let node = copy as { [key: string]: Json } | Json[];
  for (const key of keys) node = (node as Record<string, Json>)[key] as Record<string, Json>;
  (node as Record<string, Json>)[last] = leaf;
  return copy;
}
