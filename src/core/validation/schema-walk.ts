/** A JSON object as read from a schema file. */
export type JsonObject = { readonly [key: string]: unknown };

/** Keywords whose value is one subschema. */
const SINGLE = [
  'items',
  'contains',
  'additionalProperties',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
  'unevaluatedItems',
  'unevaluatedProperties',
] as const;
/** Keywords whose value is an array of subschemas. */
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
/**
 * In-place applicators: their subschemas refine a value that an ancestor schema already
 * describes (and bounds), e.g. a per-chain address pattern under `then`.
 */
const IN_PLACE: ReadonlySet<string> = new Set([
  'if',
  'then',
  'else',
  'not',
  'allOf',
  'anyOf',
  'oneOf',
]);

/** Where a visited subschema sits. */
export interface SchemaLocation {
  /** JSON pointer from the root, e.g. `#/properties/urls/items`. */
  readonly pointer: string;
  /** True under an in-place applicator (if/then/else/not/allOf/anyOf/oneOf). */
  readonly refinement: boolean;
}
/** Keywords whose value maps names to subschemas. */
const MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'] as const;

/** True for a non-null, non-array object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Calls `visit` on `schema` and every subschema reachable through applicator keywords.
 * Annotation and data keywords (`examples`, `enum`, `const`, `default`) are not entered.
 */
export function walkSchema(
  schema: unknown,
  visit: (node: JsonObject, location: SchemaLocation) => void,
  location: SchemaLocation = { pointer: '#', refinement: false },
): void {
  if (!isJsonObject(schema)) return;
  visit(schema, location);
  const child = (key: string, suffix: string): SchemaLocation => ({
    pointer: `${location.pointer}/${suffix}`,
    refinement: location.refinement || IN_PLACE.has(key),
  });
  for (const key of SINGLE) walkSchema(schema[key], visit, child(key, key));
  for (const key of LISTS) {
    const list = schema[key];
    if (Array.isArray(list))
      list.forEach((s, i) => walkSchema(s, visit, child(key, `${key}/${i}`)));
  }
  for (const key of MAPS) {
    const map = schema[key];
    if (!isJsonObject(map)) continue;
    for (const [name, sub] of Object.entries(map)) {
      walkSchema(sub, visit, child(key, `${key}/${escapePointerSegment(name)}`));
    }
  }
}

/** Resolves a `#/a/b` pointer inside `root`; undefined when it leads nowhere. */
export function resolveSchemaPointer(root: JsonObject, pointer: string): unknown {
  const segments = pointer.replace(/^#\/?/, '').split('/');
  let node: unknown = root;
  for (const raw of segments) {
    if (raw === '') continue;
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isJsonObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}
