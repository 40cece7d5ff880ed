import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IntelrouteError } from '../../core/errors';
import { IDENTITY_URN_PREFIX } from '../parse-identity-urn';

/** Where each file of a certificate folder lives (see index.ts for the layout). */
export interface CertFolderPaths {
  readonly dir: string;
  readonly caCertificate: string;
  readonly caPrivateKey: string;
  readonly serverCertificate: string;
  readonly serverPrivateKey: string;
  readonly clientsDir: string;
  readonly crl: string;
  readonly revocationList: string;
}

/** The paths of the folder `dir` (resolved to an absolute path). */
export function certFolderPaths(dir: string): CertFolderPaths {
  const root = path.resolve(dir);
  return {
    dir: root,
    caCertificate: path.join(root, 'ca.crt'),
    caPrivateKey: path.join(root, 'ca.key'),
    serverCertificate: path.join(root, 'server.crt'),
    serverPrivateKey: path.join(root, 'server.key'),
    clientsDir: path.join(root, 'clients'),
    crl: path.join(root, 'crl.pem'),
    revocationList: path.join(root, 'revoked.json'),
  };
}

/** A client's certificate and key files, `clients/<name>.crt` and `clients/<name>.key`. */
export function clientFilePaths(
  paths: CertFolderPaths,
  name: string,
): { certificate: string; privateKey: string } {
  return {
    certificate: path.join(paths.clientsDir, `${name}.crt`),
    privateKey: path.join(paths.clientsDir, `${name}.key`),
  };
}

/** File names of `--out-name`: no separators, no leading dot, so never outside clients/. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The file name (without extension) for a client identity: the URN without its
 * `urn:intelroute:` prefix, colons turned to dots (`agency.FR.douane`), or `outName` if given.
 * @throws IntelrouteError CERTIFICATE_INPUT_INVALID when outName is not a safe file name
 */
export function clientFileName(urn: string, outName?: string): string {
  const name = outName ?? urn.slice(IDENTITY_URN_PREFIX.length).replace(/:/g, '.');
  if (!SAFE_NAME.test(name)) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `file name ${JSON.stringify(name.slice(0, 80))} must be 1-128 characters of A-Z, a-z, 0-9, ".", "_", "-", starting with a letter or digit`,
      { details: { reason: 'UNSAFE_FILE_NAME' } },
    );
  }
  return name;
}

/** Mode of private keys: owner read/write only. */
export const SECRET_FILE_MODE = 0o600;
/** Mode of certificates, the CRL and revoked.json: public material. */
export const PUBLIC_FILE_MODE = 0o644;
/** Mode of folders we create: they hold private keys. */
const DIR_MODE = 0o700;

/**
 * Writes `content` to `file` atomically: a temporary file in the same folder, created with
 * `mode` (so a key is never readable by others, even for an instant), then renamed over the
 * target. A crash leaves the old file or the new one, never half of one.
 * @throws IntelrouteError CERTIFICATE_TOOLING_FAILED
 */
export async function writeFileAtomic(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    // Text files end with a newline: PEM files are often concatenated (a CA bundle, two CRLs
    // during a CA overlap), and a missing newline glues two blocks into one unreadable line.
    const text = content.endsWith('\n') ? content : `${content}\n`;
    await writeFile(temporary, text, { mode, flag: 'wx' });
    // The umask may have removed bits from `mode`: files end up exactly as documented (keys
    // 0600, certificates 0644 so a gateway running as another user can read them).
    await chmod(temporary, mode);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw toolingFailed(`cannot write ${file}`, error, file);
  }
}

/**
 * The text of `file`.
 * @throws IntelrouteError CERTIFICATE_TOOLING_FAILED (details.reason `MISSING` when absent)
 */
export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new IntelrouteError('CERTIFICATE_TOOLING_FAILED', `${file} does not exist`, {
        cause: error,
        details: { file, reason: 'MISSING' },
      });
    }
    throw toolingFailed(`cannot read ${file}`, error, file);
  }
}

/** True when `file` exists (whatever it is). */
export async function fileExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw toolingFailed(`cannot inspect ${file}`, error, file);
  }
}

/**
 * A CERTIFICATE_TOOLING_FAILED error about `file`, keeping the underlying error as cause. A
 * Node system error's code (EACCES, ENOSPC…) is added to the message: it is what a person
 * running the tool needs, and it holds no secret.
 */
export function toolingFailed(message: string, cause: unknown, file?: string): IntelrouteError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new IntelrouteError(
    'CERTIFICATE_TOOLING_FAILED',
    typeof code === 'string' ? `${message} (${code})` : message,
    { cause, details: file === undefined ? {} : { file } },
  );
}
