import fc from 'fast-check';
import { loadContractDefinition } from '../../../src/contract/contract-definition';
import { findWireProblem, wireSchemaOf } from '../../../src/contract/wire-check';
import { Envelope, Restriction } from '../../../src/contract/generated/intelroute/v1/envelope';
import { PublishRequest } from '../../../src/contract/generated/intelroute/v1/gateway';
import { validEnvelope } from '../../helpers/envelopes';
import {
  envelopeBytesWithCreatedAt,
  envelopeBytesWithRaw,
  lengthDelimited,
  publishRequestOf,
  varintField,
} from '../../security/support/protobuf-bytes';
import { referenceWireProblem } from './support/wire-check-reference';

const schema = wireSchemaOf(loadContractDefinition());
const check = (bytes: Uint8Array) => findWireProblem(schema, 'intelroute.v1.PublishRequest', bytes);
const envelopeBytes = (envelope: Envelope) => Buffer.from(Envelope.encode(envelope).finish());

describe('findWireProblem', () => {
  it('accepts what the generated encoder writes, and unknown fields (newer clients)', () => {
    const envelope = validEnvelope('information-request', {
      handling: {
        ...validEnvelope('information-request').handling!,
        restrictions: [Restriction.RESTRICTION_NO_BROADCAST],
      },
    });
    const bytes = Buffer.from(PublishRequest.encode({ envelope }).finish());
    expect(check(bytes)).toBeUndefined();
    expect(check(Buffer.concat([bytes, varintField(99, 7n)]))).toBeUndefined();
    expect(
      check(
        publishRequestOf(
          Buffer.concat([envelopeBytes(envelope), lengthDelimited(40, Buffer.from('x'))]),
        ),
      ),
    ).toBeUndefined();
  });

  it('accepts a repeated enum packed or not', () => {
    const unpacked = Buffer.concat([varintField(3, 1n), varintField(3, 3n)]);
    const packed = lengthDelimited(3, Buffer.from([1, 3]));
    for (const handling of [unpacked, packed]) {
      expect(check(publishRequestOf(lengthDelimited(6, handling)))).toBeUndefined();
    }
  });

  it('refuses a known field sent with another wire type, naming it', () => {
    // destinations (field 5, a message) sent as a varint: a lenient decoder skips it.
    const envelope = Buffer.concat([
      envelopeBytes(validEnvelope('seizure-report', { destinations: [] })),
      varintField(5, 1n),
    ]);
    expect(check(publishRequestOf(envelope))).toEqual({
      decodable: true,
      field: 'envelope.destinations[0]',
      description: 'sent with wire type 0; destinations is wire type 2',
    });
    // handling.code (an enum, varint) sent length-delimited
    expect(
      check(publishRequestOf(lengthDelimited(6, lengthDelimited(1, Buffer.from([1]))))),
    ).toMatchObject({
      field: 'envelope.handling.code',
    });
  });

  it('refuses a string that is not UTF-8', () => {
    const envelope = validEnvelope('seizure-report', { caseReference: 'QQQQ' });
    const bytes = envelopeBytesWithRaw(envelope, 'QQQQ', Buffer.from([0x51, 0xff, 0xfe, 0x51]));
    expect(check(publishRequestOf(bytes))).toEqual({
      decodable: true,
      field: 'envelope.case_reference',
      description: 'is not valid UTF-8',
    });
  });

  it.each([
    ['before year 1', -62_135_596_801n, 0, 'must lie between years 1 and 9999'],
    ['after year 9999', 253_402_300_800n, 0, 'must lie between years 1 and 9999'],
    ['nanos beyond a second', 0n, 1_000_000_000, 'nanos must be 0 to 999,999,999'],
    ['negative nanos', 0n, -1, 'nanos must be 0 to 999,999,999'],
  ])('refuses a timestamp %s', (_name, seconds, nanos, description) => {
    const bytes = envelopeBytesWithCreatedAt(validEnvelope('seizure-report'), seconds, nanos);
    expect(check(publishRequestOf(bytes))).toEqual({
      decodable: true,
      field: 'envelope.created_at',
      description,
    });
  });

  it('accepts the bounds of the timestamp range', () => {
    for (const seconds of [-62_135_596_800n, 253_402_300_799n]) {
      const bytes = envelopeBytesWithCreatedAt(
        validEnvelope('seizure-report'),
        seconds,
        999_999_999,
      );
      expect(check(publishRequestOf(bytes))).toBeUndefined();
    }
  });

  it.each([
    ['garbage', Buffer.from([0xff, 0xff, 0xff])],
    ['a truncated length', Buffer.from([0x0a, 0x05, 0x01])],
    ['field number 0', Buffer.from([0x00, 0x01])],
    ['wire type 7', Buffer.from([0x0f])],
    ['a group', Buffer.from([0x0b, 0x0c])],
    ['a varint of 11 bytes', Buffer.from([0x08, ...Array(10).fill(0x80), 0x01])],
  ])('says %s is not protobuf at all', (_name, bytes) => {
    expect(check(bytes)).toMatchObject({
      decodable: false,
      description: expect.stringMatching(/^is not protobuf: /),
    });
  });

  it('says exactly what the first (BigInt) reader said, on any bytes', () => {
    const samples = (
      ['seizure-report', 'information-request', 'online-vendor-report'] as const
    ).map((type) => Buffer.from(PublishRequest.encode({ envelope: validEnvelope(type) }).finish()));
    const edit = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        bytes: fc.uint8Array({ maxLength: 12 }),
      }),
      fc.record({
        kind: fc.constant('cut' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 40 }),
      }),
    );
    const mutated = fc
      .record({ sample: fc.constantFrom(...samples), edits: fc.array(edit, { maxLength: 4 }) })
      .map(({ sample, edits }) => edits.reduce(applyEdit, Buffer.from(sample)));
    const anyBytes = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(fc.oneof(mutated, anyBytes), (bytes) => {
        expect(check(bytes)).toEqual(
          referenceWireProblem(schema, 'intelroute.v1.PublishRequest', bytes),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('judges any timestamp and any short or long text as the first reader did', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    const nearBounds = fc
      .tuple(fc.constantFrom(-62_135_596_800n, 0n, 253_402_300_799n), fc.bigInt(-2n, 2n))
      .map(([bound, step]) => bound + step);
    const timestamp = fc
      .record({
        seconds: fc.oneof(int64, nearBounds),
        nanos: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      })
      .map(({ seconds, nanos }) =>
        envelopeBytesWithCreatedAt(validEnvelope('seizure-report'), seconds, nanos),
      );
    // Case references of either side of the ASCII fast path, some bytes not UTF-8.
    const text = fc.uint8Array({ minLength: 4, maxLength: 150 }).map((raw) => {
      const marker = 'Q'.repeat(raw.length);
      const envelope = validEnvelope('seizure-report', { caseReference: marker });
      return envelopeBytesWithRaw(envelope, marker, Buffer.from(raw));
    });
    fc.assert(
      fc.property(fc.oneof(timestamp, text), (envelope) => {
        const bytes = publishRequestOf(envelope);
        expect(check(bytes)).toEqual(
          referenceWireProblem(schema, 'intelroute.v1.PublishRequest', bytes),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

type Edit =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'cut'; at: number; length: number };

function applyEdit(bytes: Buffer, edit: Edit): Buffer {
  const at = bytes.length === 0 ? 0 : edit.at % bytes.length;
  if (edit.kind === 'set') {
    const copy = Buffer.from(bytes);
    if (copy.length > 0) copy[at] = edit.byte;
    return copy;
  }
  if (edit.kind === 'insert') {
    return Buffer.concat([bytes.subarray(0, at), edit.bytes, bytes.subarray(at)]);
  }
  return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + edit.length)]);
}
