import { existsSync } from 'node:fs';
import path from 'node:path';
import { initCertFolder, issueClientCertificateFiles } from '../certs';
import type { Logger } from '../telemetry/logger';

/** Client identities a new user can try at once with `intelroute send --certs-dir`. */
export const DEV_CLIENT_IDENTITIES = [
  'urn:intelroute:ncb:FR',
  'urn:intelroute:ncb:DE',
  'urn:intelroute:secretariat',
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
  for (const urn of DEV_CLIENT_IDENTITIES) {
    const name = urn.slice('urn:intelroute:'.length).replaceAll(':', '.');
    if (!existsSync(path.join(dir, 'clients', `${name}.crt`))) {
      await issueClientCertificateFiles({ dir, urn });
    }
  }
}
