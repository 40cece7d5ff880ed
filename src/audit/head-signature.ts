import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { IntelrouteError } from '../core/errors';
import { signedHeadBytes, type AuditChainHead } from './audit-head';

/** Signs the heads one writer writes. */
export interface HeadSigner {
  /** Lowercase hex SHA-256 of the public key (DER SubjectPublicKeyInfo). */
  readonly keyId: string;
  sign(head: AuditChainHead): AuditChainHead;
}

/** A public key `audit verify` trusts to sign heads, and where it was read from. */
export interface TrustedWriterKey {
  readonly keyId: string;
  readonly key: KeyObject;
  readonly source: string;
}

/** Why a chain's head is not vouched for. */
export interface HeadSignatureProblem {
  readonly chainId: string;
  readonly kind: 'unsigned' | 'unknown-writer' | 'bad-signature';
  readonly message: string;
}

/**
 * A signer from a PEM private key (ECDSA P-256 like the gateway's TLS key, Ed25519, or RSA).
 * @throws IntelrouteError CONFIG_INVALID when the PEM is not a private key.
 */
export function headSignerFromPem(pem: string | Buffer, source: string): HeadSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (cause) {
    throw new IntelrouteError('CONFIG_INVALID', `${source} is not a PEM private key`, { cause });
  }
  const keyId = keyIdOf(createPublicKey(privateKey));
  return {
    keyId,
    sign: (head) => {
      const signature = sign(digestOf(privateKey), signedHeadBytes(head, keyId), privateKey);
      return { ...head, keyId, signature: signature.toString('base64') };
    },
  };
}

/**
 * A trusted writer key from PEM text: a certificate (its public key) or a public key.
 * @throws IntelrouteError CONFIG_INVALID when it is neither.
 */
export function trustedWriterKey(pem: string | Buffer, source: string): TrustedWriterKey {
  let key: KeyObject;
  try {
    key = /-----BEGIN CERTIFICATE-----/.test(String(pem))
      ? new X509Certificate(pem).publicKey
      : createPublicKey(pem);
  } catch (cause) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      `${source} is neither a PEM certificate nor a PEM public key`,
      { cause },
    );
  }
  return { keyId: keyIdOf(key), key, source };
}

/**
 * The heads not vouched for by a trusted writer: unsigned, signed by a key not in `trusted`, or
 * with a signature that does not verify. Pure (crypto only).
 */
export function checkHeadSignatures(
  heads: ReadonlyMap<string, AuditChainHead>,
  trusted: readonly TrustedWriterKey[],
): HeadSignatureProblem[] {
  const byId = new Map(trusted.map((t) => [t.keyId, t]));
  const problems: HeadSignatureProblem[] = [];
  for (const [chainId, head] of [...heads].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const problem = headProblem(head, byId);
    if (problem !== undefined) problems.push({ chainId, ...problem });
  }
  return problems;
}

function headProblem(
  head: AuditChainHead,
  trusted: ReadonlyMap<string, TrustedWriterKey>,
): Omit<HeadSignatureProblem, 'chainId'> | undefined {
  if (head.keyId === undefined || head.signature === undefined) {
    return { kind: 'unsigned', message: 'its head carries no writer signature' };
  }
  const writer = trusted.get(head.keyId);
  if (writer === undefined) {
    return {
      kind: 'unknown-writer',
      message: `its head is signed by key ${head.keyId.slice(0, 16)}…, which is not a trusted writer key`,
    };
  }
  const signature = Buffer.from(head.signature, 'base64');
  const bytes = signedHeadBytes(head, head.keyId);
  return verifies(writer.key, bytes, signature)
    ? undefined
    : {
        kind: 'bad-signature',
        message: `its head's signature does not verify with ${writer.source}`,
      };
}

/** True when `signature` of `bytes` verifies with `key`; false for one that cannot be read. */
function verifies(key: KeyObject, bytes: Buffer, signature: Buffer): boolean {
  try {
    return verify(digestOf(key), bytes, key, signature);
  } catch {
    return false;
  }
}

/** Lowercase hex SHA-256 of a public key's DER SubjectPublicKeyInfo. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Ed25519/Ed448 sign the message itself; the other key types a SHA-256 digest of it. */
function digestOf(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
}
