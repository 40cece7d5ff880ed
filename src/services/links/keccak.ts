/**
 * Keccak-256, as Ethereum (EIP-55 checksums) and Monero (address checksums) use it.
 *
 * Why here: node:crypto offers `sha3-256`, which is **not** Keccak-256. Both run the same
 * Keccak-f[1600] permutation with a 1088-bit rate, but FIPS 202 SHA-3 pads with the domain bits
 * `0x06` where the original Keccak submission, frozen into Ethereum and Monero before FIPS 202,
 * pads with `0x01`; the digests differ for every input. Rather than add a crypto package for two
 * checksum checks, the permutation is implemented here (FIPS 202 §3) on 64-bit BigInt lanes.
 * Tests pin it to published Keccak-256 vectors and, with `0x06` padding, to node's `sha3-256`
 * on random inputs. Speed is ample for checksums (tens of microseconds per 136-byte block);
 * it is not meant for bulk hashing.
 */

const MASK_64 = (1n << 64n) - 1n;
const RATE_BYTES = 136;
/** Rotation offsets r[x + 5y] of the ρ step (FIPS 202 Table 2). */
const ROTATIONS = [
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
] as const;
/** The 24 round constants of the ι step, derived from the rc(t) LFSR (FIPS 202 Algorithm 5). */
const ROUND_CONSTANTS: readonly bigint[] = Array.from({ length: 24 }, (_, round) => {
  let constant = 0n;
  for (let j = 0; j <= 6; j += 1) {
    if (rcBit(j + 7 * round) === 1) constant |= 1n << BigInt(2 ** j - 1);
  }
  return constant;
});

/** Keccak-256 (original padding `0x01`) of `data`: 32 bytes. */
export function keccak256(data: Uint8Array): Buffer {
  return sponge256(data, 0x01);
}

/**
 * The 256-bit Keccak sponge with the given domain padding byte: `0x01` is Keccak-256, `0x06`
 * is SHA3-256. Exposed so tests can compare the permutation with node's `sha3-256`.
 */
export function sponge256(data: Uint8Array, domainPad: 0x01 | 0x06): Buffer {
  const blocks = Math.floor(data.length / RATE_BYTES) + 1;
  const padded = Buffer.alloc(blocks * RATE_BYTES);
  padded.set(data);
  padded[data.length] = domainPad;
  padded[padded.length - 1] = (padded[padded.length - 1] ?? 0) | 0x80;
  const state: bigint[] = new Array<bigint>(25).fill(0n);
  for (let offset = 0; offset < padded.length; offset += RATE_BYTES) {
    for (let lane = 0; lane < RATE_BYTES / 8; lane += 1) {
      state[lane] = (state[lane] ?? 0n) ^ padded.readBigUInt64LE(offset + lane * 8);
    }
    permute(state);
  }
  const out = Buffer.alloc(32);
  for (let lane = 0; lane < 4; lane += 1) out.writeBigUInt64LE(state[lane] ?? 0n, lane * 8);
  return out;
}

/** Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι on the 5×5 lanes `state[x + 5y]`. */
function permute(state: bigint[]): void {
  const lane = (i: number): bigint => state[i] ?? 0n;
  for (const constant of ROUND_CONSTANTS) {
    const parity = [0, 1, 2, 3, 4].map(
      (x) => lane(x) ^ lane(x + 5) ^ lane(x + 10) ^ lane(x + 15) ^ lane(x + 20),
    );
    const moved: bigint[] = new Array<bigint>(25).fill(0n);
    for (let i = 0; i < 25; i += 1) {
      const x = i % 5;
      const y = Math.floor(i / 5);
      const d = (parity[(x + 4) % 5] ?? 0n) ^ rotl(parity[(x + 1) % 5] ?? 0n, 1);
      // π: lane (x, y) moves to (y, 2x + 3y).
      moved[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(lane(i) ^ d, ROTATIONS[i] ?? 0);
    }
    for (let i = 0; i < 25; i += 1) {
      const row = i - (i % 5);
      const next = moved[row + ((i + 1) % 5)] ?? 0n;
      const after = moved[row + ((i + 2) % 5)] ?? 0n;
      state[i] = (moved[i] ?? 0n) ^ ((next ^ MASK_64) & after);
    }
    state[0] = lane(0) ^ constant;
  }
}

function rotl(value: bigint, bits: number): bigint {
  if (bits === 0) return value;
  return ((value << BigInt(bits)) | (value >> BigInt(64 - bits))) & MASK_64;
}

/** rc(t) of FIPS 202 Algorithm 5: bit 0 of an 8-bit LFSR with feedback x^8+x^6+x^5+x^4+1. */
function rcBit(t: number): number {
  let r = 1;
  for (let i = 0; i < t % 255; i += 1) {
    r <<= 1;
    if ((r & 0x100) !== 0) r ^= 0x171;
  }
  return r & 1;
}
