import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  initCertFolder,
  issueClientCertificateFiles,
  revokeCertificate,
  certFolderPaths,
  REVOCATION_REASONS,
  type RevocationReason,
  type RevocationTarget,
} from '../../identity/certs';
import { IntelrouteError } from '../../core/errors';
import { action } from '../cli-context';

/**
 * `intelroute certs init|issue|revoke`: the local CA and certificates for mutual TLS (layout of
 * the folder in src/identity/certs/index.ts). Paths written go to stdout, one per line; errors are one
 * line on stderr with a non-zero exit code (the shared `action` wrapper). Keys are never printed.
 */
export function registerCertsCommands(program: Command): void {
  const certs = program
    .command('certs')
    .description('create a local CA, issue gateway and client certificates, revoke them');

  certs
    .command('init')
    .description('create a CA, a server certificate for the gateway, and an empty CRL in --dir')
    .requiredOption('--dir <dir>', 'certificate folder (created if missing)')
    .option('--hosts <hosts>', 'extra server hosts, comma-separated (DNS names or IPs)', parseHosts)
    .option('--force', 'replace an existing CA (every certificate it issued stops working)')
    .action(
      action(async (options: { dir: string; hosts?: string[]; force?: boolean }) => {
        const result = await initCertFolder({
          dir: options.dir,
          hosts: options.hosts ?? [],
          force: options.force === true,
        });
        writeLines([
          `created a CA and a server certificate in ${result.paths.dir}`,
          ...result.written,
        ]);
      }),
    );

  certs
    .command('issue')
    .description('issue a client certificate whose SAN URI is an identity URN')
    .requiredOption('--dir <dir>', 'certificate folder made by "certs init"')
    .requiredOption('--id <urn>', 'identity URN, e.g. urn:intelroute:ncb:FR')
    .option('--days <n>', 'validity in days (default 397)', parseDays)
    .option('--out-name <name>', 'file name under clients/ (default from the URN, e.g. ncb.FR)')
    .option('--force', 'replace existing files of the same name')
    .action(
      action(
        async (options: {
          dir: string;
          id: string;
          days?: number;
          outName?: string;
          force?: boolean;
        }) => {
          const result = await issueClientCertificateFiles({
            dir: options.dir,
            urn: options.id,
            force: options.force === true,
            ...(options.days === undefined ? {} : { validityDays: options.days }),
            ...(options.outName === undefined ? {} : { outName: options.outName }),
          });
          writeLines([
            `issued ${options.id}, serial ${result.serialNumber}, valid until ${result.notAfter.toISOString()}`,
            result.certificatePath,
            result.privateKeyPath,
          ]);
          if (result.replacedSerialNumber !== null) {
            process.stderr.write(
              `intelroute: replaced the certificate with serial ${result.replacedSerialNumber}; it stays valid until it expires unless you revoke it\n`,
            );
          }
        },
      ),
    );

  certs
    .command('revoke')
    .description('revoke a certificate by serial or file: updates revoked.json and crl.pem')
    .requiredOption('--dir <dir>', 'certificate folder made by "certs init"')
    .addOption(
      new Option('--serial <hex>', 'serial number (hex, colons allowed)').conflicts('cert'),
    )
    .option('--cert <file>', 'the certificate file to revoke (PEM or DER)')
    .addOption(
      new Option('--reason <reason>', 'RFC 5280 reason (default: unspecified)').choices(
        REVOCATION_REASONS,
      ),
    )
    .action(
      action(
        async (options: {
          dir: string;
          serial?: string;
          cert?: string;
          reason?: RevocationReason;
        }) => {
          const paths = certFolderPaths(options.dir);
          const result = await revokeCertificate(paths, await revocationTarget(options), {
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          });
          writeLines([
            result.alreadyRevoked
              ? `serial ${result.entry.serialNumber} was already revoked on ${result.entry.revokedAt}; CRL #${result.crlNumber} rewritten`
              : `revoked serial ${result.entry.serialNumber}; CRL #${result.crlNumber} written`,
            paths.revocationList,
            paths.crl,
          ]);
        },
      ),
    );
}

async function revocationTarget(options: {
  serial?: string;
  cert?: string;
}): Promise<RevocationTarget> {
  if (options.serial !== undefined) return { serialNumber: options.serial };
  if (options.cert === undefined) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      'say what to revoke: --serial <hex> or --cert <file>',
      { details: { reason: 'NO_TARGET' } },
    );
  }
  try {
    return { certificate: await readFile(options.cert) };
  } catch (error) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `cannot read ${options.cert} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error, details: { reason: 'CERTIFICATE_UNREADABLE', file: options.cert } },
    );
  }
}

function writeLines(lines: readonly string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** commander parser for `--hosts a,b`: trimmed, empty items dropped (validated when issued). */
function parseHosts(text: string): string[] {
  return text
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
}

/** commander parser for `--days`: digits only, so "1.5" or "10d" never become a number. */
function parseDays(text: string): number {
  if (!/^\d{1,5}$/.test(text)) {
    throw new InvalidArgumentError(`expected a whole number of days, got "${text}"`);
  }
  return Number(text);
}
