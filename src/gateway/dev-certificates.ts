import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initCertFolder, issueClientCertificateFiles } from '../identity/certs';
import type { Logger } from '../telemetry/logger';

/** Client identities a new user can try at once with `intelroute send --certs-dir`. */
export const DEV_CLIENT_IDENTITIES = [
  'urn:intelroute:ncb:FR',
  'urn:intelroute:ncb:DE',
  'urn:intelroute:secretariat',
  // The ops console under mTLS (INTELROUTE_CONSOLE_ACCESS=mtls) admits operators only.
  'urn:intelroute:ops:dev',
] as const;

/** The identities of the system services `start` runs beside the gateway. */
export const DEV_SYSTEM_IDENTITIES = [
  'urn:intelroute:system:link-detector',
  'urn:intelroute:system:request-ledger',
] as const;

/**
 * For `npm start` on a fresh machine: a local CA, a server certificate for localhost and a few
 * client certificates in `dir`, created once and reused. Development only: the CA key lies next
 * to them.
 */
export async function ensureDevCertificates(dir: string, logger: Logger): Promise<void> {
  if (!existsSync(path.join(dir, 'ca.crt'))) {
    await initCertFolder({ dir });
    logger.warn({ dir }, 'created DEVELOPMENT certificates (local CA, server for localhost)');
  }
  for (const urn of [...DEV_CLIENT_IDENTITIES, ...DEV_SYSTEM_IDENTITIES]) {
    const name = urn.slice('urn:intelroute:'.length).replaceAll(':', '.');
    if (!existsSync(path.join(dir, 'clients', `${name}.crt`))) {
      await issueClientCertificateFiles({ dir, urn });
    }
  }
}

/**
 * A development network secret for the link detector in `dir` (`link-secret`, 48 random bytes as
 * base64, readable by the owner only), created once. Its path.
 */
export function ensureDevLinkSecret(dir: string, logger: Logger): string {
  const file = path.join(dir, 'link-secret');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(48).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn(
      { file },
      'created a DEVELOPMENT link secret (every party of a network shares one)',
    );
  }
  return file;
}
