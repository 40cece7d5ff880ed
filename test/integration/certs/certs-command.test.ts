import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { registerCertsCommands } from '../../../src/cli/commands/certs-command';
import { x509 } from '../../../src/identity/certs/x509-library';

/** What one `intelroute certs …` run printed and the exit code it set. */
interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
}

/**
 * Runs `certs <args>` on a fresh program, as the lead's main.ts will register it, capturing
 * stdout/stderr and restoring process.exitCode afterwards.
 */
async function certs(...args: string[]): Promise<Run> {
  const program = new Command().exitOverride();
  registerCertsCommands(program);
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  // The exit code of this run alone: a code another file of this jest worker left must neither
  // count as this command's nor be lost.
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['certs', ...args], { from: 'user' });
    return { stdout, stderr, exitCode: process.exitCode as number | undefined };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = exitCodeBefore;
  }
}

/** A failed run: exit code 1, nothing on stdout, exactly one line on stderr naming the code. */
function expectOneLineFailure(run: Run, code: string): void {
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toContain(`[${code}]`);
}

function mode(file: string): Promise<number> {
  return stat(file).then((info) => info.mode & 0o777);
}

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'intelroute-certs-cli-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('intelroute certs init', () => {
  it('writes the CA, server certificate, revoked.json and an empty CRL, keys 0600, and prints their paths', async () => {
    const dir = path.join(workDir, 'pki');
    const run = await certs('init', '--dir', dir, '--hosts', 'gw.example, 10.1.2.3');
    expect(run.exitCode).toBeUndefined();
    const files = ['ca.key', 'ca.crt', 'server.key', 'server.crt', 'revoked.json', 'crl.pem'];
    for (const file of files) expect(run.stdout).toContain(path.join(dir, file));
    expect((await readdir(dir)).sort()).toEqual([...files].sort());
    expect(await mode(path.join(dir, 'ca.key'))).toBe(0o600);
    expect(await mode(path.join(dir, 'server.key'))).toBe(0o600);
    expect(await mode(path.join(dir, 'ca.crt'))).toBe(0o644);
    expect(await mode(dir)).toBe(0o700);
    expect(run.stdout).not.toContain('PRIVATE KEY');

    const ca = new X509Certificate(await readFile(path.join(dir, 'ca.crt')));
    expect(ca.ca).toBe(true);
    const server = new X509Certificate(await readFile(path.join(dir, 'server.crt')));
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('gw.example')).toBe('gw.example');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(server.checkHost('other.example')).toBeUndefined();

    const crl = new x509.X509Crl(await readFile(path.join(dir, 'crl.pem'), 'utf8'));
    expect(crl.entries).toHaveLength(0);
    expect(await crl.verify({ publicKey: new x509.X509Certificate(ca.raw) })).toBe(true);
    // Valid from a few minutes ago (a lagging gateway clock) until the CA itself expires.
    expect(crl.thisUpdate.getTime()).toBeLessThan(Date.now() - 4 * 60_000);
    expect(crl.nextUpdate?.getTime()).toBe(new Date(ca.validTo).getTime());
  });

  it('gives the CA the profile asked for: P-256, CA:true pathLen 0, keyCertSign+cRLSign, ten years', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    const ca = new x509.X509Certificate(await readFile(path.join(dir, 'ca.crt'), 'utf8'));
    const constraints = ca.getExtension(x509.BasicConstraintsExtension);
    expect([constraints?.ca, constraints?.pathLength, constraints?.critical]).toEqual([
      true,
      0,
      true,
    ]);
    expect(ca.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
    expect(ca.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(ca.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    const years = (ca.notAfter.getTime() - ca.notBefore.getTime()) / (365.25 * 86_400_000);
    expect(years).toBeCloseTo(10, 1);
    expect(await ca.isSelfSigned()).toBe(true);
  });

  it('refuses to replace an existing CA without --force, and replaces it with --force', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    const firstCa = await readFile(path.join(dir, 'ca.crt'), 'utf8');

    const refused = await certs('init', '--dir', dir);
    expectOneLineFailure(refused, 'CERTIFICATE_AUTHORITY_EXISTS');
    expect(await readFile(path.join(dir, 'ca.crt'), 'utf8')).toBe(firstCa);

    const forced = await certs('init', '--dir', dir, '--force');
    expect(forced.exitCode).toBeUndefined();
    expect(await readFile(path.join(dir, 'ca.crt'), 'utf8')).not.toBe(firstCa);
  });

  it('refuses a bad host before writing anything', async () => {
    const dir = path.join(workDir, 'pki');
    const run = await certs('init', '--dir', dir, '--hosts', 'ok.example,bad_host!');
    expectOneLineFailure(run, 'CERTIFICATE_INPUT_INVALID');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('intelroute certs issue', () => {
  it('writes clients/<name>.crt|.key for the URN and prints the paths; the certificate names the URN once', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    const run = await certs('issue', '--dir', dir, '--id', 'urn:intelroute:agency:FR:douane');
    expect(run.exitCode).toBeUndefined();
    const crt = path.join(dir, 'clients', 'agency.FR.douane.crt');
    const key = path.join(dir, 'clients', 'agency.FR.douane.key');
    expect(run.stdout.split('\n')).toEqual(expect.arrayContaining([crt, key]));
    expect(await mode(key)).toBe(0o600);
    expect(run.stdout).not.toContain('PRIVATE KEY');

    const cert = new x509.X509Certificate(await readFile(crt, 'utf8'));
    expect(cert.subject).toBe('CN=urn:intelroute:agency:FR:douane');
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'url', value: 'urn:intelroute:agency:FR:douane' },
    ]);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.clientAuth,
    ]);
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    const days = (cert.notAfter.getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(397);
    // 16 bytes, positive (top bit clear).
    expect(cert.serialNumber).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(run.stdout).toContain(cert.serialNumber);
  });

  it('honours --days and --out-name', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    await certs(
      'issue',
      '--dir',
      dir,
      '--id',
      'urn:intelroute:ncb:FR',
      '--days',
      '30',
      '--out-name',
      'fr-ncb',
    );
    const cert = new x509.X509Certificate(
      await readFile(path.join(dir, 'clients', 'fr-ncb.crt'), 'utf8'),
    );
    expect(Math.round((cert.notAfter.getTime() - Date.now()) / 86_400_000)).toBe(30);
  });

  it('refuses an invalid URN with IDENTITY_INVALID and writes nothing', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    const run = await certs('issue', '--dir', dir, '--id', 'urn:intelroute:ncb:fr');
    expectOneLineFailure(run, 'IDENTITY_INVALID');
    expect(existsSync(path.join(dir, 'clients'))).toBe(false);
  });

  it('refuses to overwrite an earlier certificate of the same name without --force', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    await certs('issue', '--dir', dir, '--id', 'urn:intelroute:ncb:FR');
    const crt = path.join(dir, 'clients', 'ncb.FR.crt');
    const first = await readFile(crt, 'utf8');
    expectOneLineFailure(
      await certs('issue', '--dir', dir, '--id', 'urn:intelroute:ncb:FR'),
      'CERTIFICATE_INPUT_INVALID',
    );
    expect(await readFile(crt, 'utf8')).toBe(first);

    const forced = await certs('issue', '--dir', dir, '--id', 'urn:intelroute:ncb:FR', '--force');
    expect(forced.exitCode).toBeUndefined();
    const firstSerial = new x509.X509Certificate(first).serialNumber;
    expect(forced.stderr).toContain(firstSerial);
  });

  it('refuses an --out-name that would leave clients/', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    const run = await certs(
      'issue',
      '--dir',
      dir,
      '--id',
      'urn:intelroute:ncb:FR',
      '--out-name',
      '../escape',
    );
    expectOneLineFailure(run, 'CERTIFICATE_INPUT_INVALID');
    expect(existsSync(path.join(dir, 'escape.crt'))).toBe(false);
  });

  it('tells the user to run init first when the folder has no CA', async () => {
    const run = await certs('issue', '--dir', workDir, '--id', 'urn:intelroute:ncb:FR');
    expectOneLineFailure(run, 'CERTIFICATE_TOOLING_FAILED');
    expect(run.stderr).toContain('certs init');
  });
});

describe('intelroute certs revoke', () => {
  async function issued(dir: string, urn: string, name: string) {
    await certs('issue', '--dir', dir, '--id', urn, '--out-name', name);
    const file = path.join(dir, 'clients', `${name}.crt`);
    return { file, serialNumber: new X509Certificate(await readFile(file)).serialNumber };
  }

  async function crlSerials(dir: string): Promise<string[]> {
    const crl = new x509.X509Crl(await readFile(path.join(dir, 'crl.pem'), 'utf8'));
    return crl.entries.map((entry) => entry.serialNumber);
  }

  it('by serial (Node’s upper-case form, with colons): lists it in revoked.json and a new CRL signed by the CA', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    const fr = await issued(dir, 'urn:intelroute:ncb:FR', 'fr');
    const de = await issued(dir, 'urn:intelroute:ncb:DE', 'de');
    const withColons = fr.serialNumber.match(/../g)?.join(':') ?? '';

    const run = await certs('revoke', '--dir', dir, '--serial', withColons);
    expect(run.exitCode).toBeUndefined();
    expect(run.stdout).toContain(path.join(dir, 'crl.pem'));
    expect(await crlSerials(dir)).toEqual([fr.serialNumber.toLowerCase()]);
    const list = JSON.parse(await readFile(path.join(dir, 'revoked.json'), 'utf8')) as {
      crlNumber: number;
      revoked: { serialNumber: string }[];
    };
    expect(list.revoked.map((entry) => entry.serialNumber)).toEqual([
      fr.serialNumber.toLowerCase(),
    ]);
    expect(list.crlNumber).toBe(2);

    const ca = new x509.X509Certificate(await readFile(path.join(dir, 'ca.crt'), 'utf8'));
    const crl = new x509.X509Crl(await readFile(path.join(dir, 'crl.pem'), 'utf8'));
    expect(await crl.verify({ publicKey: ca })).toBe(true);
    expect(crl.findRevoked(de.serialNumber.toLowerCase())).toBeNull();
  });

  it('by certificate file, keeping earlier revocations; revoking again changes nothing but the CRL number', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    const fr = await issued(dir, 'urn:intelroute:ncb:FR', 'fr');
    const de = await issued(dir, 'urn:intelroute:ncb:DE', 'de');
    await certs('revoke', '--dir', dir, '--serial', fr.serialNumber);
    const run = await certs('revoke', '--dir', dir, '--cert', de.file, '--reason', 'keyCompromise');
    expect(run.exitCode).toBeUndefined();
    const both = [fr.serialNumber, de.serialNumber].map((serial) => serial.toLowerCase());
    expect(await crlSerials(dir)).toEqual(both);
    const crl = new x509.X509Crl(await readFile(path.join(dir, 'crl.pem'), 'utf8'));
    expect(crl.findRevoked(both[1] ?? '')?.reason).toBe(x509.X509CrlReason.keyCompromise);

    const again = await certs('revoke', '--dir', dir, '--cert', de.file);
    expect(again.stdout).toContain('already revoked');
    expect(await crlSerials(dir)).toEqual(both);
  });

  it('refuses a certificate another CA issued, and leaves the CRL alone', async () => {
    const dir = path.join(workDir, 'pki');
    const other = path.join(workDir, 'other');
    await certs('init', '--dir', dir);
    await certs('init', '--dir', other);
    const stranger = await issued(other, 'urn:intelroute:ncb:FR', 'fr');
    const crlBefore = await readFile(path.join(dir, 'crl.pem'), 'utf8');
    expectOneLineFailure(
      await certs('revoke', '--dir', dir, '--cert', stranger.file),
      'CERTIFICATE_INPUT_INVALID',
    );
    expect(await readFile(path.join(dir, 'crl.pem'), 'utf8')).toBe(crlBefore);
  });

  it('refuses a serial that is not hexadecimal, and a call naming neither --serial nor --cert', async () => {
    const dir = path.join(workDir, 'pki');
    await certs('init', '--dir', dir);
    expectOneLineFailure(
      await certs('revoke', '--dir', dir, '--serial', 'xyz'),
      'CERTIFICATE_INPUT_INVALID',
    );
    expectOneLineFailure(await certs('revoke', '--dir', dir), 'CERTIFICATE_INPUT_INVALID');
  });

  it('rejects --serial together with --cert (commander conflict)', async () => {
    await expect(
      certs('revoke', '--dir', workDir, '--serial', '01', '--cert', 'x.crt'),
    ).rejects.toMatchObject({ code: 'commander.conflictingOption' });
  });
});
