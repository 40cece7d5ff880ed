import fc from 'fast-check';

// The record encoding patched into kafkajs (patches/kafkajs+2.2.4.patch: varints written in
// place, int32 varlongs without Long, one buffer per record): Kafka refuses a batch it cannot
// parse, so the bytes must be exactly the protocol's.
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's internal protocol modules */
interface KafkajsEncoder {
  writeVarInt(value: number): KafkajsEncoder;
  writeVarLong(value: number): KafkajsEncoder;
  readonly buffer: Buffer;
}
const Encoder = require('kafkajs/src/protocol/encoder') as {
  new (): KafkajsEncoder;
  sizeOfVarLong(value: number): number;
};
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => {
  readVarInt(): number;
};
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | Buffer | string[]>;
}) => KafkajsEncoder;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: unknown,
  context: { firstOffset: string; firstTimestamp: string; magicByte: number },
) => {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  offset: string;
  timestamp: string;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Zigzag then unsigned LEB128, by the protocol's definition (64-bit, with BigInt). */
function referenceVarLong(value: bigint): Buffer {
  let zigzag = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

describe('kafkajs record encoding (patched)', () => {
  it('writes varints and varlongs as the protocol defines them', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        expect(new Encoder().writeVarInt(n).buffer).toEqual(referenceVarLong(BigInt(n)));
        expect(new Encoder().writeVarLong(n).buffer).toEqual(referenceVarLong(BigInt(n)));
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const bytes = new Encoder().writeVarLong(n).buffer;
        expect(bytes).toEqual(referenceVarLong(BigInt(n)));
        expect(Encoder.sizeOfVarLong(n)).toBe(bytes.length);
      }),
    );
  });

  it('encodes records that kafkajs decodes back to the same key, value, deltas and headers', () => {
    const bytes = fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b));
    const headerName = fc.string({ minLength: 1, maxLength: 40 }).filter((k) => !(k in {}));
    fc.assert(
      fc.property(
        fc.record({
          offsetDelta: fc.nat({ max: 100_000 }),
          timestampDelta: fc.nat({ max: 2 ** 31 - 1 }),
          key: fc.option(bytes, { nil: null }),
          value: fc.option(bytes, { nil: null }),
          // (kafkajs's decoder folds headers into a plain object: `valueOf` & co. would clash)
          // a repeated header is an array of values (kafkajs decodes it back as one)
          headers: fc.dictionary(
            headerName,
            fc.oneof(fc.string(), fc.array(fc.string(), { minLength: 2, maxLength: 3 })),
            { maxKeys: 9 },
          ),
        }),
        (record) => {
          const encoded = encodeRecord(record).buffer;
          const decoder = new Decoder(encoded);
          const length = decoder.readVarInt();
          const decoded = decodeRecord(decoder, {
            firstOffset: '1000',
            firstTimestamp: '1700000000000',
            magicByte: 2,
          });
          expect(encoded.length - length).toBe(referenceVarLong(BigInt(length)).length);
          expect(decoded.key).toEqual(record.key);
          expect(decoded.value).toEqual(record.value);
          expect(decoded.offset).toBe(String(1000 + record.offsetDelta));
          expect(decoded.timestamp).toBe(String(1700000000000 + record.timestampDelta));
          const headers = Object.fromEntries(
            Object.entries(decoded.headers).map(([k, v]) => [
              k,
              Array.isArray(v) ? v.map(String) : String(v),
            ]),
          );
          expect(headers).toEqual(record.headers);
        },
      ),
    );
  });
});

/** One write, as the reference writes it: its bytes in big-endian, strings in UTF-8. */
type Write =
  | { kind: 'int8' | 'int16' | 'int32'; value: number }
  | { kind: 'bytes' | 'buffer' | 'varIntBytes'; value: Buffer }
  | { kind: 'string'; value: string }
  | { kind: 'encoder'; writes: Write[]; readFirst: boolean }
  | { kind: 'read' };

interface RopeEncoder {
  writeInt8(value: number): RopeEncoder;
  writeInt16(value: number): RopeEncoder;
  writeInt32(value: number): RopeEncoder;
  writeBytes(value: Buffer): RopeEncoder;
  writeBuffer(value: Buffer): RopeEncoder;
  writeVarIntBytes(value: Buffer): RopeEncoder;
  writeString(value: string): RopeEncoder;
  writeEncoder(value: RopeEncoder): RopeEncoder;
  size(): number;
  /** The bytes as the buffers holding them, not joined (what the connection writes). */
  bufferParts(): Buffer[];
  readonly buffer: Buffer;
}

function applyWrites(encoder: RopeEncoder, writes: Write[]): RopeEncoder {
  for (const write of writes) {
    switch (write.kind) {
      case 'int8':
        encoder.writeInt8(write.value);
        break;
      case 'int16':
        encoder.writeInt16(write.value);
        break;
      case 'int32':
        encoder.writeInt32(write.value);
        break;
      case 'bytes':
        encoder.writeBytes(write.value);
        break;
      case 'buffer':
        encoder.writeBuffer(write.value);
        break;
      case 'varIntBytes':
        encoder.writeVarIntBytes(write.value);
        break;
      case 'string':
        encoder.writeString(write.value);
        break;
      case 'read':
        void encoder.buffer; // joins what is kept by reference
        break;
      case 'encoder': {
        const child = applyWrites(
          new (Encoder as unknown as new () => RopeEncoder)(),
          write.writes,
        );
        if (write.readFirst) void child.buffer;
        encoder.writeEncoder(child);
      }
    }
  }
  return encoder;
}

function referenceBytes(writes: Write[]): Buffer {
  const int = (size: number, value: number) => {
    const bytes = Buffer.alloc(size);
    bytes.writeIntBE(value, 0, size);
    return bytes;
  };
  return Buffer.concat(
    writes.map((write): Buffer => {
      if (write.kind === 'int8') return int(1, write.value);
      if (write.kind === 'int16') return int(2, write.value);
      if (write.kind === 'int32') return int(4, write.value);
      if (write.kind === 'bytes') return Buffer.concat([int(4, write.value.length), write.value]);
      if (write.kind === 'buffer') return write.value;
      if (write.kind === 'varIntBytes') {
        return Buffer.concat([referenceVarLong(BigInt(write.value.length)), write.value]);
      }
      if (write.kind === 'string') {
        return Buffer.concat([int(2, Buffer.byteLength(write.value)), Buffer.from(write.value)]);
      }
      if (write.kind === 'encoder') return referenceBytes(write.writes);
      return Buffer.alloc(0); // a read writes nothing
    }),
  );
}

describe('kafkajs record buffer (patched)', () => {
  it('makes no room for a value it keeps by reference, and still writes every byte', () => {
    const value = Buffer.alloc(4000, 7);
    const headers = { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` };
    const encoder = encodeRecord({
      key: Buffer.from('case-1'),
      value,
      headers,
    }) as KafkajsEncoder & {
      buf: Buffer;
    };
    // The record's own buffer holds its framing and headers, not the 4,000 value bytes.
    expect(encoder.buf.length).toBeLessThan(512);
    const bytes = encoder.buffer;
    expect(bytes.subarray(bytes.indexOf(value), bytes.indexOf(value) + value.length)).toEqual(
      value,
    );
    expect(bytes.includes(Buffer.from(headers.traceparent))).toBe(true);
  });
});

describe('kafkajs encoder keeping large parts by reference (patched)', () => {
  it('gives the bytes of writing everything in order, at any nesting and any read', () => {
    // below 1,024 bytes a buffer is copied, from 1,024 kept by reference; small ones up to 400
    // bytes also make the encoder grow with a part kept by reference before its current segment
    const buffer = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ minLength: 1000, maxLength: 1100 }),
    );
    const { writes } = fc.letrec((tie) => ({
      write: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({
          kind: fc.constantFrom('int8' as const, 'int16' as const, 'int32' as const),
          value: fc.integer({ min: -128, max: 127 }),
        }),
        fc.record({
          kind: fc.constantFrom('bytes' as const, 'buffer' as const, 'varIntBytes' as const),
          value: buffer.map((b) => Buffer.from(b)),
        }),
        fc.record({ kind: fc.constant('string' as const), value: fc.string({ maxLength: 30 }) }),
        fc.constant({ kind: 'read' as const }),
        fc.record({
          kind: fc.constant('encoder' as const),
          writes: tie('writes') as fc.Arbitrary<Write[]>,
          readFirst: fc.boolean(),
        }),
      ),
      writes: fc.array(tie('write') as fc.Arbitrary<Write>, { maxLength: 10 }),
    }));
    fc.assert(
      fc.property(writes, (list) => {
        const encoder = applyWrites(new (Encoder as unknown as new () => RopeEncoder)(), list);
        const expected = referenceBytes(list);
        expect(encoder.size()).toBe(expected.length);
        expect(Buffer.concat(encoder.bufferParts())).toEqual(expected);
        expect(encoder.buffer).toEqual(expected);
        expect(encoder.writeInt8(7).buffer).toEqual(Buffer.concat([expected, Buffer.from([7])]));
      }),
      { numRuns: 300, endOnFailure: true }, // shrinking kilobyte buffers takes minutes
    );
  });
});
