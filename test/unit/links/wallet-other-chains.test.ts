import { normaliseWallet } from '../../../src/services/links';
import { eip55 } from '../../../src/services/links/ethereum-address';
import { keccak256 } from '../../../src/services/links/keccak';
import { decodeMoneroBase58, encodeMoneroBase58 } from '../../../src/services/links/monero-address';

/** A Monero address of `prefix` over `keys`, with its Keccak-256 checksum. */
function moneroAddress(prefix: number, keys: Buffer): string {
  const body = Buffer.concat([Buffer.from([prefix]), keys]);
  return encodeMoneroBase58(Buffer.concat([body, keccak256(body).subarray(0, 4)]));
}

describe('ethereum addresses (EIP-55)', () => {
  // The four mixed-case examples of EIP-55's specification.
  const EIP55_EXAMPLES = [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];

  it.each(EIP55_EXAMPLES)('accepts the EIP-55 example %s and lower-cases it', (address) => {
    expect(normaliseWallet('ethereum', address)).toEqual({
      ok: true,
      value: `ethereum:${address.toLowerCase()}`,
    });
  });

  it.each(EIP55_EXAMPLES)(
    'computes the EIP-55 spelling of %s from its lower-case form',
    (address) => {
      expect(eip55(address.slice(2).toLowerCase())).toBe(address);
    },
  );

  it('maps the checksummed, all-lower and all-upper spellings to one value', () => {
    const [address] = EIP55_EXAMPLES as [string];
    const lower = `0x${address.slice(2).toLowerCase()}`;
    const upper = `0x${address.slice(2).toUpperCase()}`;
    const values = [address, lower, upper].map((a) => normaliseWallet('ethereum', a));
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(1);
  });

  it('rejects a mixed-case address with one letter in the wrong case', () => {
    // 0x5aAeb… with its first upper-case letter lowered: still mixed case, checksum broken.
    expect(normaliseWallet('ethereum', '0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toEqual({
      ok: false,
      reason: 'checksum-mismatch',
    });
  });

  it.each([
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', 'too short'],
    ['5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00', 'no 0x prefix'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg', 'not hexadecimal'],
  ])('rejects %s (%s) as invalid-address', (address) => {
    expect(normaliseWallet('ethereum', address)).toEqual({ ok: false, reason: 'invalid-address' });
  });
});

describe('litecoin addresses', () => {
  it.each([
    'Lg3PX8wRWmApFCoCMAsPF5P9dPHYQHEWKW',
    'LTuoeY6RBHV3n3cfhXVVTbJbxzxnXs9ofm',
    'MGEW4aba3tnrVtVhGcmoqqHaLt5ymPSLPi',
  ])('accepts the base58 address %s as written', (address) => {
    expect(normaliseWallet('litecoin', address)).toEqual({
      ok: true,
      value: `litecoin:${address}`,
    });
  });

  it('accepts a segwit ltc1 address, in lower case', () => {
    const address = 'ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dz';
    expect(normaliseWallet('litecoin', address.toUpperCase())).toEqual({
      ok: true,
      value: `litecoin:${address}`,
    });
  });

  it('rewrites a legacy P2SH 3… address as the M… address of the same script hash', () => {
    expect(normaliseWallet('litecoin', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')).toEqual({
      ok: true,
      value: 'litecoin:MQMHBtvnBfxTzt3K2bdxgSE7qZPHSXWsGM',
    });
    expect(normaliseWallet('litecoin', 'MQMHBtvnBfxTzt3K2bdxgSE7qZPHSXWsGM')).toEqual({
      ok: true,
      value: 'litecoin:MQMHBtvnBfxTzt3K2bdxgSE7qZPHSXWsGM',
    });
  });

  it('rejects a bitcoin P2PKH address labelled litecoin, and a broken ltc1 checksum', () => {
    expect(normaliseWallet('litecoin', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toEqual({
      ok: false,
      reason: 'wrong-network',
    });
    expect(normaliseWallet('litecoin', 'ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dy')).toEqual({
      ok: false,
      reason: 'checksum-mismatch',
    });
  });
});

describe('tron addresses', () => {
  it('accepts a base58check T… address (the USDT contract) as written', () => {
    expect(normaliseWallet('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')).toEqual({
      ok: true,
      value: 'tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
    });
  });

  it('rejects a one-character typo and a bitcoin address labelled tron', () => {
    expect(normaliseWallet('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u')).toEqual({
      ok: false,
      reason: 'checksum-mismatch',
    });
    expect(normaliseWallet('tron', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toEqual({
      ok: false,
      reason: 'wrong-network',
    });
  });
});

describe('monero addresses (Keccak-256 checksum)', () => {
  // Mainnet test vectors of Bisq's Monero asset tests (two standard, one subaddress).
  it.each([
    '4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW',
    '46tM15KsogEW5MiVmBn7waPF8u8ZsB6aHjJk7BAv1wvMKfWhQ2h2so5BCJ9cRakfPt5BFo452oy3K8UK6L2u2v7aJ3Nf7P2',
    '86iQTnEqQ9mXJFvBvbY3KU5do5Jh2NCkpTcZsw3TMZ6oKNJhELvAreZFQ1p8EknRRTKPp2vg9fJvy47Q4ARVChjLMuUAFQJ',
  ])('accepts %s as written', (address) => {
    expect(normaliseWallet('monero', address)).toEqual({ ok: true, value: `monero:${address}` });
  });

  it('normalises an integrated address to the standard address of its keys', () => {
    // Integrated-address vector of mrtnetwork/blockchain_utils (payment id bc7ce989aa900caf).
    const integrated =
      '4BUqMSeJfNQGudzEJNvzQ2LXh4tbUdW4YCM7mq55edxBT7t1297vwCMZSnJwGvEKEKbH8hGmhZZAGhdHbp2te6AA38ZMi4knaCKLprMPni';
    const result = normaliseWallet('monero', integrated);
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    const standard = result.value.slice('monero:'.length);
    expect(standard).toHaveLength(95);
    const keys = decodeMoneroBase58(standard)?.subarray(1, 65);
    expect(keys?.toString('hex')).toBe(
      decodeMoneroBase58(integrated)?.subarray(1, 65).toString('hex'),
    );
    expect(normaliseWallet('monero', standard)).toEqual(result);
  });

  it('rejects a one-character typo as checksum-mismatch', () => {
    const typo =
      '4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPX';
    expect(normaliseWallet('monero', typo)).toEqual({ ok: false, reason: 'checksum-mismatch' });
  });

  it('rejects the fixtures\u2019 made-up address, whose last block encodes no bytes', () => {
    const madeUp =
      '4FictitiousMoneroAddressForTestsnxyDoNotUseAnywhereExampLeExampLe18FNVcjry6DLTahpw4BJRYfnu29GPW';
    expect(normaliseWallet('monero', madeUp)).toEqual({ ok: false, reason: 'invalid-address' });
  });

  it('rejects a well-formed testnet address (prefix 53) as wrong-network', () => {
    const testnet = moneroAddress(53, Buffer.alloc(64, 9));
    expect(normaliseWallet('monero', moneroAddress(18, Buffer.alloc(64, 9))).ok).toBe(true);
    expect(normaliseWallet('monero', testnet)).toEqual({ ok: false, reason: 'wrong-network' });
  });

  it('round-trips Monero block base58 (8 bytes → 11 characters, 5 bytes → 7)', () => {
    const bytes = Buffer.from('12' + 'ab'.repeat(64) + '01020304', 'hex');
    const text = encodeMoneroBase58(bytes);
    expect(text).toHaveLength(95);
    expect(decodeMoneroBase58(text)?.equals(bytes)).toBe(true);
  });
});
