import { generateKeyPairSync } from 'node:crypto';
import {
  encodeChainHead,
  parseChainHead,
  type AuditChainHead,
} from '../../../src/audit/audit-head';
import {
  checkHeadSignatures,
  headSignerFromPem,
  trustedWriterKey,
} from '../../../src/audit/head-signature';

const pemPair = (type: 'ec' | 'ed25519') => {
  const { privateKey, publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
  };
};
const head: AuditChainHead = { chainId: 'gateway-1', sequence: '41', hash: 'a'.repeat(64) };

describe('signed audit chain heads', () => {
  it.each(['ec', 'ed25519'] as const)(
    'a %s key signs a head that verify accepts, through its encoding',
    (type) => {
      const { privateKey, publicKey } = pemPair(type);
      const signer = headSignerFromPem(privateKey, 'writer.key');
      const signed = parseChainHead(encodeChainHead(signer.sign(head)));
      expect(signed).toMatchObject({ ...head, keyId: signer.keyId, signature: expect.any(String) });
      const trusted = [trustedWriterKey(publicKey, 'writer.pub')];
      expect(trusted[0]?.keyId).toBe(signer.keyId);
      expect(checkHeadSignatures(new Map([['gateway-1', signed]]), trusted)).toEqual([]);
    },
  );

  it('refuses an unsigned head, a head signed by an unknown key, and a head altered after signing', () => {
    const writer = pemPair('ec');
    const stranger = pemPair('ec');
    const trusted = [trustedWriterKey(writer.publicKey, 'writer.pub')];
    const genuine = headSignerFromPem(writer.privateKey, 'writer.key').sign(head);
    const heads = new Map<string, AuditChainHead>([
      ['a-unsigned', { ...head, chainId: 'a-unsigned' }],
      [
        'b-stranger',
        headSignerFromPem(stranger.privateKey, 'x').sign({ ...head, chainId: 'b-stranger' }),
      ],
      ['c-moved', { ...genuine, chainId: 'c-moved' }], // a genuine signature under another chain
      ['d-extended', { ...genuine, chainId: 'd-extended', sequence: '42' }],
    ]);
    expect(checkHeadSignatures(heads, trusted).map((p) => [p.chainId, p.kind])).toEqual([
      ['a-unsigned', 'unsigned'],
      ['b-stranger', 'unknown-writer'],
      ['c-moved', 'bad-signature'],
      ['d-extended', 'bad-signature'],
    ]);
  });

  it('reads a trusted key from a certificate too, and refuses PEM that is neither', () => {
    expect(() => trustedWriterKey('not a key', 'junk.pem')).toThrow(/junk\.pem is neither/);
    expect(() => headSignerFromPem('not a key', 'junk.key')).toThrow(
      /junk\.key is not a PEM private key/,
    );
  });
});
