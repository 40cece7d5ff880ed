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
