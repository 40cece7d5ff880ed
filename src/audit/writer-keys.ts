import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type IntelrouteConfig } from '../config';
import { IntelrouteError } from '../core/errors';
import {
  headSignerFromPem,
  trustedWriterKey,
  type HeadSigner,
  type TrustedWriterKey,
} from './head-signature';

type KeyConfig = Pick<IntelrouteConfig, 'audit' | 'gateway'>;

/**
 * The key this process signs its audit chain heads with: `audit.signingKeyFile`, else the
 * gateway's TLS key (`gateway.tls.keyFile`, `<certsDir>/server.key`, else the development
 * certificates'), else none (its heads are then unsigned, and `audit verify` refuses them).
 * Read once at start-up. @throws IntelrouteError CONFIG_INVALID for an unreadable key.
 */
export function auditSigner(config: KeyConfig): HeadSigner | undefined {
  const file = config.audit.signingKeyFile ?? gatewayTlsFile(config, 'keyFile', 'server.key');
  if (file === undefined) return undefined;
  return headSignerFromPem(readKeyFile(file), file);
}

/**
 * The writer keys `audit verify` trusts: every PEM file of `audit.trustedKeysDir` (certificates
 * or public keys), and the gateway's TLS certificate as `auditSigner` finds its key.
 * @throws IntelrouteError CONFIG_INVALID for a folder or file that cannot be read or parsed.
 */
export function trustedWriterKeys(config: KeyConfig): TrustedWriterKey[] {
  const files: string[] = [];
  const dir = config.audit.trustedKeysDir;
  if (dir !== null) files.push(...pemFilesOf(dir));
  const certificate = gatewayTlsFile(config, 'certFile', 'server.crt');
  if (certificate !== undefined) files.push(certificate);
  return files.map((file) => trustedWriterKey(readKeyFile(file), file));
}

/** `{ signer }` when the process has a key to sign its chain heads with (auditSigner), else `{}`. */
export function optionalSigner(config: KeyConfig): { signer?: HeadSigner } {
  const signer = auditSigner(config);
  return signer === undefined ? {} : { signer };
}

function gatewayTlsFile(
  config: KeyConfig,
  explicit: 'keyFile' | 'certFile',
  name: string,
): string | undefined {
  const { tls, devCertsDir } = config.gateway;
  const configured = tls[explicit];
  if (configured !== null) return configured;
  const dir = tls.certsDir ?? devCertsDir ?? path.join(PROJECT_ROOT, '.intelroute', 'dev-certs');
  const file = path.join(dir, name);
  return existsSync(file) ? file : undefined;
}

function pemFilesOf(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => /\.(pem|crt|pub)$/.test(name))
      .sort()
      .map((name) => path.join(dir, name));
  } catch (cause) {
    throw new IntelrouteError('CONFIG_INVALID', `cannot read audit.trustedKeysDir ${dir}`, {
      cause,
    });
  }
}

function readKeyFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new IntelrouteError('CONFIG_INVALID', `cannot read ${file}`, { cause });
  }
}
