import { normaliseWallet } from '../../../src/services/links';
import { decodeBase58Check, encodeBase58Check } from '../../../src/services/links/base58check';

const bitcoin = (address: string) => normaliseWallet('bitcoin', address);

describe('bitcoin base58check addresses', () => {
  it.each([
    // P2PKH and P2SH examples from the Bitcoin wiki; the all-zero hash160 (burn address).
    '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
    '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
    '1111111111111111111114oLvT2',
  ])('accepts %s as written (base58 is case-sensitive)', (address) => {
    expect(bitcoin(address)).toEqual({ ok: true, value: `bitcoin:${address}` });
  });

  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'last character changed'],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNvN2', 'one letter case-swapped'],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV2N', 'two characters transposed'],
    ['1FictitiousVendorWa11etExampLe18FN', 'the fixtures\u2019 made-up address'],
  ])('rejects %s (%s) as checksum-mismatch', (address) => {
    expect(bitcoin(address)).toEqual({ ok: false, reason: 'checksum-mismatch' });
  });

  it('rejects characters outside the base58 alphabet (0, O, I, l)', () => {
    expect(bitcoin('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV0O')).toEqual({
      ok: false,
      reason: 'invalid-address',
    });
  });

  it('rejects a valid Base58Check string of another version byte (litecoin L…) as wrong-network', () => {
    expect(bitcoin('Lg3PX8wRWmApFCoCMAsPF5P9dPHYQHEWKW')).toEqual({
      ok: false,
      reason: 'wrong-network',
    });
  });

  it('rejects a checksummed payload that is not a 20-byte hash', () => {
    const address = encodeBase58Check(0x00, Buffer.alloc(19, 7));
    expect(decodeBase58Check(address).ok).toBe(true);
    expect(bitcoin(address)).toEqual({ ok: false, reason: 'invalid-address' });
  });
});

describe('bitcoin segwit addresses (BIP-173, BIP-350 test vectors)', () => {
  it.each([
    'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4',
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
    'BC1SW50QGDZ25J',
    'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs',
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
  ])('accepts the valid mainnet vector %s, in lower case', (address) => {
    expect(bitcoin(address)).toEqual({ ok: true, value: `bitcoin:${address.toLowerCase()}` });
  });

  it('maps the upper- and lower-case spellings of one address to one value', () => {
    const upper = bitcoin('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4');
    const lower = bitcoin('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(upper).toEqual(lower);
  });

  it.each([
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'checksum-mismatch'], // invalid checksum
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'checksum-mismatch'], // bech32 for v1
    ['BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', 'checksum-mismatch'], // bech32 for v16
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'checksum-mismatch'], // bech32m for v0
    ['bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', 'invalid-address'], // bad char
    ['BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', 'invalid-address'], // version 17
    ['bc1pw5dgrnzv', 'invalid-address'], // 1-byte program
    [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
      'invalid-address',
    ], // 41-byte program
    ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'invalid-address'], // v0 program of 16 bytes
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', 'invalid-address'], // padding
    ['bc1gmk9yu', 'invalid-address'], // empty data section
    ['bc1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'invalid-address'], // mixed case
  ])('rejects the invalid vector %s as %s', (address, reason) => {
    expect(bitcoin(address)).toEqual({ ok: false, reason });
  });

  it.each([
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
  ])('rejects the valid testnet vector %s as wrong-network', (address) => {
    expect(bitcoin(address)).toEqual({ ok: false, reason: 'wrong-network' });
  });
});

describe('wallet chains', () => {
  it('takes the chain name in any case and rejects chains outside the schema enumeration', () => {
    expect(normaliseWallet(' Bitcoin ', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toEqual({
      ok: true,
      value: 'bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
    });
    expect(normaliseWallet('dogecoin', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L')).toEqual({
      ok: false,
      reason: 'unknown-chain',
    });
  });

  it('keeps equal text on two chains apart (the chain is part of the value)', () => {
    const p2sh = '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy';
    const onBitcoin = normaliseWallet('bitcoin', p2sh);
    const onLitecoin = normaliseWallet('litecoin', p2sh);
    expect(onBitcoin.ok && onLitecoin.ok).toBe(true);
    expect(onBitcoin).not.toEqual(onLitecoin);
  });
});
