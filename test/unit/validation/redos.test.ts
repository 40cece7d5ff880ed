import {
  loadSchemaRegistry,
  validateMessage,
  type SchemaRegistry,
} from '../../../src/core/validation';
import { FIXTURE_NOW, MESSAGE_TYPES, payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { SCHEMAS_DIR, refused } from './support';

/**
 * Every `pattern` and format must give up quickly on long adversarial input, even though
 * maxLength already refuses it: ajv runs with allErrors, so it evaluates them anyway.
 */
// Catastrophic backtracking on these inputs takes seconds to hours (quadratic on 1 MiB is ~10^12
// steps); linear matching takes well under 10 ms. The bound sits far from both, so a loaded CI
// machine cannot fail it while a backtracking pattern cannot pass it.
const BOUND_MS = 500;
const MiB = 1_048_576;

let registry: SchemaRegistry;
let oneMiBInputs: string[];
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
  oneMiBInputs = evilStrings(MiB);
});

/** A flat (not rope) string of `size` code units: `prefix`, then `unit` repeated, then `end`. */
function evil(size: number, unit: string, prefix = '', end = '!'): string {
  const body = Buffer.alloc(size * 2, unit, 'utf16le')
    .toString('utf16le')
    .slice(0, size);
  return prefix + body + end;
}

const SEEDS = [
  'a',
  'A',
  '0',
  '1',
  'f',
  'q',
  'T',
  'L',
  '-',
  '.',
  '_',
  '/',
  ':',
  '@',
  '+',
  ' ',
  '\t',
  '\n',
  'é',
  '😀',
  '\u0000',
  'a.',
  'a-',
  'a@',
  '%0',
  'Aa1',
];
const PREFIXES = ['0x', 'bc1', 'ltc1', '+1', '4', 'T', 'https://', 'http://a.', '/'];
const evilStrings = (size: number) => [
  ...SEEDS.map((seed) => evil(size, seed)),
  ...PREFIXES.flatMap((prefix) => [
    evil(size, 'a', prefix),
    evil(size, '1', prefix),
    evil(size, 'q', prefix, '\u0000'),
  ]),
];

/** Every `pattern` string in a schema document (examples excluded). */
function patternsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => patternsIn(child, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.add(value);
      else if (key !== 'examples') patternsIn(value, found);
    }
  }
  return found;
}

/** JSON pointers of every string leaf of `value`. */
function stringLeaves(value: unknown, pointer = ''): string[] {
  if (typeof value === 'string') return [pointer];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${pointer}/${i}`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, `${pointer}/${k}`));
  }
  return [];
}

function withLeaf(value: unknown, pointer: string, leaf: string): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = pointer.slice(1).split('/');
  const last = keys.pop() as string;
  let node = copy as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  node[last] = leaf;
  return copy;
}

function elapsedMs(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const exampleOf = (type: string) =>
  (registry.validatorFor(type, 1)?.schema.examples as unknown[])[0];

test('the schemas have patterns to test', () => {
  const all = MESSAGE_TYPES.flatMap((type) => [
    ...patternsIn(registry.validatorFor(type, 1)?.schema),
  ]);
  expect(new Set(all).size).toBeGreaterThanOrEqual(15);
});

describe.each(MESSAGE_TYPES)('%s', (type) => {
  test(`every pattern rejects each 1 MiB adversarial string within ${BOUND_MS} ms`, () => {
    for (const pattern of patternsIn(registry.validatorFor(type, 1)?.schema)) {
      const regex = new RegExp(pattern, 'u');
      for (const input of oneMiBInputs) {
        let matched = true;
        const ms = elapsedMs(() => (matched = regex.test(input)));
        expect({ pattern, ms: ms < BOUND_MS, matched }).toEqual({
          pattern,
          ms: true,
          matched: false,
        });
      }
    }
  });

  test(`ajv itself rejects a 256 KiB adversarial value in any string field within ${BOUND_MS} ms`, () => {
    const compiled = registry.validatorFor(type, 1);
    const example = exampleOf(type);
    const inputs = [
      evil(256 * 1024, 'a'),
      evil(256 * 1024, 'a.', 'http://'),
      evil(256 * 1024, '1', '+'),
    ];
    for (const pointer of stringLeaves(example)) {
      for (const input of inputs) {
        const payload = withLeaf(example, pointer, input);
        let valid = true;
        const ms = elapsedMs(() => (valid = compiled?.validate(payload) === true));
        expect({ pointer, fast: ms < BOUND_MS, valid }).toEqual({
          pointer,
          fast: true,
          valid: false,
        });
      }
    }
  });

  test(`validateMessage refuses an 8-16 KiB adversarial value, at its field, within ${BOUND_MS} ms`, () => {
    // Strings longer than the schema's largest maxLength allows (in JSON bytes) are refused by
    // the pre-parse scan, on the field `payload`; shorter ones reach ajv and get their path.
    const example = exampleOf(type);
    const maxStringBytes = registry.validatorFor(type, 1)?.limits.maxStringBytes ?? 0;
    const inputs = [8200, 16_384].flatMap((size) => [
      evil(size, 'a'),
      evil(size, '0', '0x'),
      evil(size, 'a@'),
      evil(size * 2, '😀'), // two UTF-16 units per code point
    ]);
    for (const pointer of stringLeaves(example)) {
      for (const input of inputs) {
        const envelope = validEnvelope(type, {
          payload: payloadBytes(withLeaf(example, pointer, input)),
        });
        let result: ReturnType<typeof validateMessage> | undefined;
        const ms = elapsedMs(
          () => (result = validateMessage(envelope, { registry, now: FIXTURE_NOW })),
        );
        const fields = refused(result as ReturnType<typeof validateMessage>).violations.map(
          (v) => v.field,
        );
        const scanned = Buffer.byteLength(JSON.stringify(input)) - 2 > maxStringBytes;
        const expected = scanned
          ? [`payload${pointer}`]
          : expect.arrayContaining([`payload${pointer}`]);
        expect({ pointer, fast: ms < BOUND_MS, fields }).toEqual({
          pointer,
          fast: true,
          fields: expected,
        });
      }
    }
  });

  test(`validateMessage refuses a 1 MiB payload made of one adversarial value within ${BOUND_MS} ms`, () => {
    const example = exampleOf(type);
    const input = evil(MiB - 16 * 1024, 'a.', 'http://');
    for (const pointer of stringLeaves(example)) {
      const envelope = validEnvelope(type, {
        payload: payloadBytes(withLeaf(example, pointer, input)),
      });
      let result: ReturnType<typeof validateMessage> | undefined;
      const ms = elapsedMs(
        () => (result = validateMessage(envelope, { registry, now: FIXTURE_NOW })),
      );
      const reason = refused(result as ReturnType<typeof validateMessage>).reason;
      expect({ pointer, fast: ms < BOUND_MS, reason }).toEqual({
        pointer,
        fast: true,
        reason: 'SCHEMA_VIOLATION',
      });
    }
  });

  test(`validateMessage refuses a 1 MiB payload of many small parts within ${BOUND_MS} ms`, () => {
    // Hundreds of thousands of strings, members or arrays: every per-part step of the scan,
    // JSON.parse and ajv must stay linear in the payload (a search to the end of the payload
    // once per string literal took about a second here).
    const list = (item: string, count: number) => `[${Array(count).fill(item).join(',')}]`;
    const shapes = {
      strings: list(list('"a"', 1000), 230),
      members: list(list('{"a":1,"b":2,"c":3}', 1000), 50),
      nested: list(list(list(list('"a"', 30), 30), 30), 8),
    };
    const example = exampleOf(type) as Record<string, unknown>;
    const [name] = Object.keys(example);
    for (const [shape, value] of Object.entries(shapes)) {
      const text = JSON.stringify({ ...example, [name as string]: '' }).replace(
        `"${name}":""`,
        `"${name}":${value}`,
      );
      const envelope = validEnvelope(type, { payload: Buffer.from(text, 'utf8') });
      let result: ReturnType<typeof validateMessage> | undefined;
      const ms = elapsedMs(
        () => (result = validateMessage(envelope, { registry, now: FIXTURE_NOW })),
      );
      const reason = refused(result as ReturnType<typeof validateMessage>).reason;
      expect({ shape, bytes: text.length > 0.8 * MiB, fast: ms < BOUND_MS, reason }).toEqual({
        shape,
        bytes: true,
        fast: true,
        reason: 'SCHEMA_VIOLATION',
      });
    }
  });
});
