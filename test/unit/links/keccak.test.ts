import { createHash } from 'node:crypto';
import { keccak256 } from '../../../src/services/links/keccak';

const hex = (data: string): string => keccak256(Buffer.from(data, 'utf8')).toString('hex');

describe('keccak-256', () => {
  it('matches the published Keccak-256 digests (original 0x01 padding, not SHA-3)', () => {
    expect(hex('')).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(hex('abc')).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    // Ethereum's best-known function selector: the first 4 bytes of transfer(address,uint256)
    expect(hex('transfer(address,uint256)').slice(0, 8)).toBe('a9059cbb');
  });

  it('differs from node:crypto sha3-256 for the same input (why node:crypto is not used)', () => {
    const sha3 = createHash('sha3-256').update('').digest('hex');
    expect(hex('')).not.toBe(sha3);
  });
});
