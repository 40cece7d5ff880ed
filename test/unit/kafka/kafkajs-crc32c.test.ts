import fc from 'fast-check';

// The slicing-by-8 CRC32-C patched into kafkajs (patches/kafkajs+2.2.4.patch): Kafka rejects a
// record batch whose CRC is wrong, so it must equal the byte-at-a-time definition everywhere.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;

function bytewiseCrc32C(buffer: Uint8Array): number {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

describe('kafkajs CRC32-C (patched)', () => {
  it('gives the published check values', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(32, 0))).toBe(0x8a9136aa); // RFC 3720 B.4
    expect(crc32C(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
  });

  it('equals the bitwise definition for any bytes, at any offset into a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 7 }), (bytes, skip) => {
        const view = Buffer.concat([Buffer.alloc(skip, 0xaa), Buffer.from(bytes)]).subarray(skip);
        expect(crc32C(view)).toBe(bytewiseCrc32C(bytes));
      }),
    );
  });
});
