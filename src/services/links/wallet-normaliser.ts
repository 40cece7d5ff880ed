/**
 * Wallet selectors: `<chain>:<address in normal form>`, checksum-validated per chain. An address
 * failing its checksum is not a selector: a typo must not link two vendors.
 *
 * - bitcoin: base58 `1…` (version 0) and `3…` (version 5), Base58Check (double SHA-256),
 *   kept as written (base58 is case-sensitive); segwit `bc1…`, bech32 for v0 and bech32m for
 *   v1+ (BIP-173, BIP-350), lower-cased.
 * - litecoin: base58 `L…` (48), `M…` (50) and legacy `3…` (5), Base58Check, `3…` rewritten as
 *   `M…`; segwit `ltc1…` as for bitcoin.
 * - tron: base58 `T…` (version 0x41), Base58Check, kept as written.
 * - ethereum: `0x` + 40 hex, EIP-55 checksum verified when mixed case (Keccak-256), lower-cased.
 * - monero: standard `4…`, subaddress `8…`, integrated `4…` (106 characters), Keccak-256 4-byte
 *   checksum; an integrated address becomes its standard address (monero-address.ts).
 *
 * Litecoin moved its P2SH version from 5 (`3…`) to 50 (`M…`); both spell the same script hash,
 * so the legacy form is rewritten. Base58 payloads must be 20 bytes (a hash160). A well-formed
 * address of another network (testnet, another coin's version byte or prefix) → `wrong-network`.
 * The chain is trimmed and lower-cased; surrounding white space of the address is trimmed.
 */
import { decodeBase58Check, encodeBase58Check } from './base58check';
import { decodeSegwitAddress } from './bech32';
import { normaliseEthereumAddress } from './ethereum-address';
import { normaliseMoneroAddress } from './monero-address';
import { accepted, refused, type Normalised } from './selector-types';

/** The `wallet.chain` enumeration of the v1 schemas. */
export const WALLET_CHAINS = ['bitcoin', 'ethereum', 'monero', 'litecoin', 'tron'] as const;
export type WalletChain = (typeof WALLET_CHAINS)[number];

const HASH160_BYTES = 20;
const LITECOIN_P2SH_LEGACY = 0x05;
const LITECOIN_P2SH = 0x32;

const NORMALISERS: Readonly<Record<WalletChain, (address: string) => Normalised>> = {
  bitcoin: (address) => base58OrSegwit(address, ['bc', 'tb', 'bcrt'], [0x00, 0x05]),
  litecoin: (address) => litecoin(address),
  tron: (address) => base58Address(address, [0x41]),
  ethereum: normaliseEthereumAddress,
  monero: normaliseMoneroAddress,
};

/** Validates a wallet address of `chain` and returns `<chain>:<normal form>`. Never throws. */
export function normaliseWallet(chain: string, address: string): Normalised {
  const name = chain.trim().toLowerCase();
  if (!isWalletChain(name)) return refused('unknown-chain');
  const result = NORMALISERS[name](address.trim());
  return result.ok ? accepted(`${name}:${result.value}`) : result;
}

function isWalletChain(name: string): name is WalletChain {
  return (WALLET_CHAINS as readonly string[]).includes(name);
}

/**
 * Segwit when the text is in one case and starts with one of the chain's segwit prefixes (the
 * mainnet one first; the others are its test networks, refused as `wrong-network`); else
 * base58. Base58 addresses are mixed case, so a litecoin `LTC1…` base58 address stays base58.
 */
function base58OrSegwit(
  address: string,
  hrps: readonly [string, ...string[]],
  versions: readonly number[],
): Normalised {
  const lower = address.toLowerCase();
  const singleCase = address === lower || address === address.toUpperCase();
  if (!singleCase || !hrps.some((hrp) => lower.startsWith(`${hrp}1`))) {
    return base58Address(address, versions);
  }
  const segwit = decodeSegwitAddress(hrps[0], address);
  return segwit.ok ? accepted(segwit.address) : refused(segwit.reason);
}

function base58Address(address: string, versions: readonly number[]): Normalised {
  const decoded = decodeBase58Check(address);
  if (!decoded.ok) return refused(decoded.reason);
  if (decoded.payload.length !== HASH160_BYTES) return refused('invalid-address');
  return versions.includes(decoded.version) ? accepted(address) : refused('wrong-network');
}

function litecoin(address: string): Normalised {
  const versions = [0x30, LITECOIN_P2SH, LITECOIN_P2SH_LEGACY];
  const result = base58OrSegwit(address, ['ltc', 'tltc', 'rltc'], versions);
  if (!result.ok) return result;
  const decoded = decodeBase58Check(address);
  const legacy = decoded.ok && decoded.version === LITECOIN_P2SH_LEGACY;
  return legacy ? accepted(encodeBase58Check(LITECOIN_P2SH, decoded.payload)) : result;
}
