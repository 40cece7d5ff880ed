import fc from 'fast-check';
import type {
  Channel,
  Destination,
  Envelope,
  HandlingCode,
  InformationAccuracy,
  OriginKind,
  Priority,
  Restriction,
  SourceReliability,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  MAX_VIOLATIONS,
  VALIDATION_REASONS,
  loadSchemaRegistry,
  validateMessage,
  type SchemaRegistry,
  type ValidationResult,
} from '../../../src/core/validation';
import {
  FIXTURE_NOW,
  MESSAGE_TYPES,
  fixturePayload,
  payloadBytes,
  validEnvelope,
} from '../../helpers/envelopes';
import { SCHEMAS_DIR, violationPointsAtInput } from './support';

let registry: SchemaRegistry;
beforeAll(() => {
  registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
});

const run = (envelope: Envelope) => validateMessage(envelope, { registry, now: FIXTURE_NOW });

/** What must hold for every input: no throw, a well-formed result, violations on real fields. */
function expectWellFormed(envelope: Envelope, result: ValidationResult): void {
  if (result.ok) {
    expect(result.schemaId).toBe(
      `https://schemas.intelroute.org/${envelope.messageType}/v${envelope.schemaVersion}.json`,
    );
    expect(result.payload).toEqual(JSON.parse(envelope.payload.toString('utf8')));
    return;
  }
  expect(VALIDATION_REASONS).toContain(result.reason);
  expect(result.violations.length).toBeGreaterThanOrEqual(1);
  expect(result.violations.length).toBeLessThanOrEqual(MAX_VIOLATIONS);
  expect(result.message.startsWith(`${result.reason}: `)).toBe(true);
  for (const violation of result.violations) {
    if (!violationPointsAtInput(envelope, violation)) {
      throw new Error(`violation points nowhere: ${JSON.stringify(violation)}`);
    }
  }
}

const small = (max: number) => fc.integer({ min: -1, max: max + 2 });
const country = fc.oneof(
  fc.constantFrom('FR', 'DE', 'ZZ', 'fr', '', 'FRA'),
  fc.string({ maxLength: 4 }),
);
const idLike = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.constant(''),
  fc.string({ maxLength: 40 }),
);
const destination: fc.Arbitrary<Destination> = fc.oneof(
  country.map((c) => ({ target: { $case: 'country' as const, country: c } })),
  small(3).map((c) => ({ target: { $case: 'channel' as const, channel: c as Channel } })),
  fc.constant({ target: undefined }),
);
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue().map((value) => payloadBytes(value)),
  fc.constantFrom(...MESSAGE_TYPES).map((type) => payloadBytes(fixturePayload(type))),
);
const receipt = {
  sender: 'urn:intelroute:ncb:FR',
  receivedAt: FIXTURE_NOW,
  payloadSha256: '',
  replyDueAt: undefined,
  traceId: '',
};

/** Envelopes with every field drawn from plausible and implausible values. */
const anyEnvelope: fc.Arbitrary<Envelope> = fc.record({
  messageId: idLike,
  messageType: fc.oneof(fc.constantFrom(...MESSAGE_TYPES), fc.string({ maxLength: 30 })),
  schemaVersion: fc.integer({ min: 0, max: 3 }),
  origin: fc.option(
    fc.record({
      kind: small(5).map((k) => k as OriginKind),
      country,
      agencyId: fc.oneof(fc.constant(''), fc.constant('ofast'), fc.string({ maxLength: 70 })),
    }),
    { nil: undefined },
  ),
  destinations: fc.array(destination, { maxLength: 70 }),
  handling: fc.option(
    fc.record({
      code: small(4).map((c) => c as HandlingCode),
      restrictedTo: fc.array(country, { maxLength: 70 }),
      restrictions: fc.array(
        small(5).map((r) => r as Restriction),
        { maxLength: 8 },
      ),
      restrictionText: fc.oneof(fc.constant(''), fc.string({ maxLength: 1100 })),
      retentionDays: fc.integer({ min: -2, max: 4000 }),
    }),
    { nil: undefined },
  ),
  evaluation: fc.option(
    fc.record({
      sourceReliability: small(4).map((s) => s as SourceReliability),
      informationAccuracy: small(4).map((a) => a as InformationAccuracy),
    }),
    { nil: undefined },
  ),
  priority: small(4).map((p) => p as Priority),
  inReplyTo: idLike,
  caseReference: fc.oneof(fc.constant(''), fc.string({ maxLength: 70 })),
  createdAt: fc.option(fc.date({ noInvalidDate: false }), { nil: undefined }),
  payload,
  contentType: fc.oneof(
    fc.constantFrom('', 'application/json', 'APPLICATION/JSON; charset=UTF-8'),
    fc.string({ maxLength: 80 }),
  ),
  receipt: fc.option(fc.constant(receipt), { nil: undefined }),
});

const FIELDS = Object.keys(validEnvelope('link-alert')) as (keyof Envelope)[];

test('random envelopes never make the validator throw, and every violation points at the input', () => {
  fc.assert(
    fc.property(anyEnvelope, (envelope) => expectWellFormed(envelope, run(envelope))),
    { numRuns: 500 },
  );
});

test('valid envelopes with 1-3 fields replaced at random keep the same guarantees', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...MESSAGE_TYPES),
      anyEnvelope,
      fc.subarray(FIELDS, { minLength: 1, maxLength: 3 }),
      (type, random, fields) => {
        const envelope: Envelope = { ...validEnvelope(type) };
        for (const field of fields) Object.assign(envelope, { [field]: random[field] });
        expectWellFormed(envelope, run(envelope));
      },
    ),
    { numRuns: 500 },
  );
});

test('every valid envelope with a non-canonical message_id is refused on message_id', () => {
  const notCanonical = fc
    .string({ maxLength: 40 })
    .filter(
      (s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(s),
    );
  fc.assert(
    fc.property(fc.constantFrom(...MESSAGE_TYPES), notCanonical, (type, messageId) => {
      const result = run(validEnvelope(type, { messageId }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.violations.map((v) => v.field)).toEqual(['message_id']);
    }),
  );
});

test('created_at more than 5 minutes after now is always CREATED_AT_IN_FUTURE', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...MESSAGE_TYPES),
      fc.integer({ min: 300_001, max: 10 ** 11 }),
      (type, ahead) => {
        const result = run(
          validEnvelope(type, { createdAt: new Date(FIXTURE_NOW.getTime() + ahead) }),
        );
        expect(result).toMatchObject({ ok: false, reason: 'CREATED_AT_IN_FUTURE' });
      },
    ),
  );
});

/** JSON pointers of every node of a JSON value, root included. */
function pointers(value: unknown, pointer = ''): string[] {
  const children =
    typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([k, v]) =>
          pointers(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
        )
      : [];
  return [pointer, ...children];
}

type Mutation = { kind: 'replace' | 'delete' | 'add' | 'wrap'; value: unknown; key: string };

function mutate(root: unknown, pointer: string, mutation: Mutation): unknown {
  const copy: unknown = structuredClone(root);
  const keys =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (keys.length === 0) return mutation.kind === 'wrap' ? [copy] : mutation.value;
  const last = keys.pop() as string;
  let parent = copy as Record<string, unknown>;
  for (const key of keys) parent = parent[key] as Record<string, unknown>;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (mutation.kind === 'add' && typeof parent[last] === 'object' && parent[last] !== null) {
    const target = parent[last] as Record<string, unknown>;
    if (Array.isArray(target)) target.push(mutation.value);
    else target[mutation.key] = mutation.value;
  } else if (mutation.kind === 'wrap') parent[last] = [parent[last]];
  else parent[last] = mutation.value;
  return copy;
}

test('mutated payloads never make the validator throw, point at real places and never quote the payload', () => {
  const marker = 'PAYLOAD-MARKER-91c2';
  const markedValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ maxLength: 20 }).map((s) => `${marker}${s}`),
    fc.constant([`${marker}@@x`, { [marker]: marker }]),
  );
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom('replace', 'delete', 'add', 'wrap'),
    value: markedValue,
    key: fc.oneof(fc.constant(marker), fc.string({ maxLength: 10 })),
  });
  const scenario = fc.constantFrom(...MESSAGE_TYPES).chain((type) => {
    const base = fixturePayload(type);
    return fc.tuple(
      fc.constant(type),
      fc.constant(base),
      fc.constantFrom(...pointers(base)),
      mutation,
    );
  });
  fc.assert(
    fc.property(scenario, ([type, base, pointer, change]) => {
      const envelope = validEnvelope(type, {
        payload: payloadBytes(mutate(base, pointer, change)),
      });
      const result = run(envelope);
      expectWellFormed(envelope, result);
      if (!result.ok) expect(JSON.stringify(result)).not.toContain(marker);
    }),
    { numRuns: 1000 },
  );
});
