import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { initCertFolder, issueClientCertificateFiles } from '../../../src/identity/certs';
import { killStartedClis, runCli, type CliResult } from '../../helpers/cli';

jest.setTimeout(60_000);
afterEach(killStartedClis);

/**
 * What a user sees when start-up cannot go on: one line on stderr naming what is wrong and the
 * flag or variable to change, exit code 1, no stack, no kafkajs error lines, and no wait for
 * anything slow to start first. Each command runs as a real process of the built CLI.
 */

/** A loopback server holding a port (as another process would), and the port. */
async function holdPort(): Promise<{ server: NetServer; port: number }> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const { server, port } = await holdPort();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** stderr without its JSON log lines: what is said to the user. */
const plainLines = (stderr: string): string[] =>
  stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{'));

const errorLogLines = (stderr: string): string[] =>
  stderr.split('\n').filter((line) => line.startsWith('{') && line.includes('"level":"error"'));

/** Runs the CLI and measures how long it took. */
async function timed(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CliResult & { seconds: number }> {
  const started = Date.now();
  const result = await runCli(args, env, 45_000);
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe('KAFKA_BROKERS naming a closed port', () => {
  it.each([
    ['start', ['start']],
    ['topics plan', ['topics', 'plan']],
  ])('`%s` ends with one line naming KAFKA_BROKERS and the broker tried', async (_name, args) => {
    const port = await closedPort();
    const result = await timed(args, {
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      INTELROUTE_GATEWAY_PORT: '0',
      INTELROUTE_CONFIG: '',
    });
    expect(result.code).toBe(1);
    expect(plainLines(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^intelroute: cannot connect to Kafka at 127\\.0\\.0\\.1:${port} \\(KAFKA_BROKERS\\): ` +
            `Connection error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}, gave up after [\\d.]+ s; ` +
            `.*correct KAFKA_BROKERS \\[KAFKA_UNAVAILABLE\\]$`,
        ),
      ),
    ]);
    expect(result.stderr).not.toMatch(/unexpected error|KafkaJS|^\s+at /m);
    expect(errorLogLines(result.stderr)).toEqual([]);
    expect(result.seconds).toBeLessThan(20); // kafkajs's 5 retries take about 3.5 s
  });
});

describe('a taken gateway port', () => {
  let held: { server: NetServer; port: number } | undefined;
  afterEach(async () => {
    await new Promise((resolve) => held?.server.close(resolve));
    held = undefined;
  });

  it('stops `start` at once, before any Kafka starts, naming the port and INTELROUTE_GATEWAY_PORT', async () => {
    held = await holdPort();
    const result = await timed(['start', '--ephemeral'], {
      KAFKA_BROKERS: '',
      INTELROUTE_GATEWAY_PORT: String(held.port),
      INTELROUTE_CONFIG: '',
    });
    expect(result.code).toBe(1);
    expect(plainLines(result.stderr)).toEqual([
      `intelroute: the gateway's port ${held.port} on 127.0.0.1 is already in use ` +
        `(INTELROUTE_GATEWAY_PORT=${held.port}): stop what holds it, or choose another with ` +
        'INTELROUTE_GATEWAY_PORT or gateway.port in the config file (0 takes any free port) [CONFIG_INVALID]',
    ]);
    expect(result.stderr).not.toContain('starting a local Kafka broker');
    expect(result.seconds).toBeLessThan(10); // a local broker alone takes longer to start
  });
});

describe('a missing config file', () => {
  it.each([
    ['--config', (file: string) => ({ args: ['start', '--config', file], env: {} })],
    [
      'INTELROUTE_CONFIG',
      (file: string) => ({ args: ['start'], env: { INTELROUTE_CONFIG: file } }),
    ],
  ])('named by %s is said to be missing, with who named it', async (namedBy, invocation) => {
    const file = path.join(tmpdir(), `intelroute-no-such-config-${process.pid}.yaml`);
    const { args, env } = invocation(file);
    const result = await runCli(args, { INTELROUTE_CONFIG: '', ...env });
    expect(result.code).toBe(1);
    expect(plainLines(result.stderr)).toEqual([
      `intelroute: config file ${file}, named by ${namedBy}, does not exist [CONFIG_INVALID]`,
    ]);
  });
});

describe('`send` to an IP address over mutual TLS', () => {
  let workDir: string;
  let server: TlsServer | undefined;
  afterEach(async () => {
    await new Promise((resolve) =>
      server === undefined ? resolve(undefined) : server.close(resolve),
    );
    await rm(workDir, { recursive: true, force: true });
  });

  it('prints no DEP0123 warning (no TLS server name is an IP address)', async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'intelroute-send-ip-'));
    const folder = (await initCertFolder({ dir: path.join(workDir, 'pki') })).paths;
    await issueClientCertificateFiles({ dir: folder.dir, urn: 'urn:intelroute:ncb:FR' });
    const names: Array<string | false> = [];
    // A TLS server that completes the handshake and hangs up: the send fails, the TLS happened.
    const tls = createTlsServer(
      {
        ca: await readFile(folder.caCertificate),
        cert: await readFile(folder.serverCertificate),
        key: await readFile(folder.serverPrivateKey),
        requestCert: true,
        ALPNProtocols: ['h2'],
      },
      (socket) => {
        names.push(socket.servername ?? false);
        socket.destroy();
      },
    );
    server = tls;
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as { port: number };
    const envelope = path.resolve(
      __dirname,
      '../../fixtures/envelopes-json/online-vendor-report-fr-to-de.json',
    );
    const result = await runCli([
      'send',
      envelope,
      '--address',
      `127.0.0.1:${port}`,
      '--certs-dir',
      folder.dir,
      '--id',
      'urn:intelroute:ncb:FR',
      '--max-attempts',
      '1',
      '--deadline-ms',
      '3000',
    ]);
    expect(names.length).toBeGreaterThan(0); // the handshake did happen
    expect(names).toEqual(names.map(() => false));
    expect(result.stderr).not.toMatch(/DEP0123|DeprecationWarning/);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed', code: 'UNAVAILABLE' });
  });
});
