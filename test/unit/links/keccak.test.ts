import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { keccak256, sponge256 } from '../../../src/services/links/keccak';

const hex = (data: string): string => keccak256(Buffer.from(data, 'utf8')).toString('hex');

describe('keccak-256', () => {
  it('matches the published Keccak-256 digests (original 0x01 padding, not SHA-3)', () => {
    expect(hex('')).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(hex('abc')).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  });

  it('differs from node:crypto sha3-256 for the same input (the reason it is implemented)', () => {
    const sha3 = createHash('sha3-256').update('').digest('hex');
    expect(hex('')).not.toBe(sha3);
  });

  it('with SHA-3 padding equals node:crypto sha3-256 on random inputs across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 420 }), (bytes) => {
        const expected = createHash('sha3-256').update(bytes).digest();
        expect(sponge256(bytes, 0x06).equals(expected)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('absorbs inputs of exactly one rate block (136 bytes) with padding in a second block', () => {
    for (const length of [135, 136, 137, 272]) {
      const bytes = Buffer.alloc(length, 0x61);
      const expected = createHash('sha3-256').update(bytes).digest();
      expect(sponge256(bytes, 0x06).equals(expected)).toBe(true);
    }
  });
});
