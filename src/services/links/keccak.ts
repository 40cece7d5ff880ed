/**
 * Keccak-256, as Ethereum (EIP-55 checksums) and Monero (address checksums) use it.
 *
 * node:crypto offers `sha3-256`, which is **not** Keccak-256: FIPS 202 SHA-3 pads with the domain
 * bits `0x06` where the original Keccak, frozen into Ethereum and Monero before FIPS 202, pads
 * with `0x01`, so the digests differ for every input. The audited `@noble/hashes` has both.
 */
import { keccak_256 } from '@noble/hashes/sha3';

/** Keccak-256 (original padding `0x01`) of `data`: 32 bytes. */
export function keccak256(data: Uint8Array): Buffer {
  const digest = keccak_256(data);
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
}
