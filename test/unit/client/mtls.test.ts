import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import {
  MtlsServerCredentials,
  initCertFolder,
  issueClientCertificateFiles,
} from '../../../src/identity/certs';
import type { CertFolderPaths } from '../../../src/identity/certs';
import { registerSendCommands } from '../../../src/cli/commands/send-command';
import { createGatewayClient, PublishRefusedError, type GatewayClient } from '../../../src/client';
import { validEnvelope } from '../../helpers/envelopes';
import { startFakeGateway, type FakeGateway } from './fake-gateway';

/**
 * The client over mutual TLS, with a CA, server and client certificate issued by src/identity/certs into
 * a temporary folder (as `intelroute certs init` / `certs issue` would), against the fake
 * gateway on 127.0.0.1:0 serving with the gateway's MtlsServerCredentials.
 */

const URN = 'urn:intelroute:ncb:FR';
let workDir: string;
let folder: CertFolderPaths;
let client: { certificatePath: string; privateKeyPath: string };
let gateway: FakeGateway;
const clients: GatewayClient[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'intelroute-client-mtls-'));
  folder = (await initCertFolder({ dir: path.join(workDir, 'pki') })).paths;
  client = await issueClientCertificateFiles({ dir: folder.dir, urn: URN });
  const credentials = new MtlsServerCredentials({
    caPem: await readFile(folder.caCertificate),
    certificateChainPem: await readFile(folder.serverCertificate),
    privateKeyPem: await readFile(folder.serverPrivateKey),
  });
  gateway = await startFakeGateway({}, { credentials });
});

afterAll(async () => {
  clients.forEach((started) => started.close());
  await gateway.stop();
  await rm(workDir, { recursive: true, force: true });
});

function mtlsClient(serverName?: string): GatewayClient {
  const started = createGatewayClient({
    address: gateway.address,
    tls: {
      caFile: folder.caCertificate,
      certFile: client.certificatePath,
      keyFile: client.privateKeyPath,
      ...(serverName === undefined ? {} : { serverName }),
    },
    retry: false,
  });
  clients.push(started);
  return started;
}

describe('client over mutual TLS (certificates from src/identity/certs)', () => {
  it('publishes, and the gateway sees the client certificate of the identity', async () => {
    const envelope = validEnvelope('online-vendor-report');
    await expect(mtlsClient().publish(envelope)).resolves.toMatchObject({
      messageId: envelope.messageId,
    });
    const call = gateway.publishCalls.find(
      (seen) => seen.envelope.messageId === envelope.messageId,
    );
    expect(call?.peerSan).toContain(`URI:${URN}`);
  });

  it('checks the gateway certificate against serverName when given', async () => {
    await expect(
      mtlsClient('localhost').publish(validEnvelope('seizure-report')),
    ).resolves.toBeDefined();
    const error: unknown = await mtlsClient('gateway.invalid')
      .publish(validEnvelope('seizure-report'), { deadlineMs: 5_000 })
      .catch((rejected: unknown) => rejected);
    expect(error).toBeInstanceOf(PublishRefusedError);
    expect((error as PublishRefusedError).refusal.codeName).toBe('UNAVAILABLE');
  });

  it('`send --certs-dir D --id URN` finds the files `certs issue` wrote', async () => {
    const out: string[] = [];
    const program = new Command().exitOverride();
    registerSendCommands(program, {
      stdin: process.stdin,
      stdout: { write: (text: string) => out.push(text) },
      env: {},
    });
    const fixture = path.resolve(__dirname, '../../fixtures/envelopes-json/seizure-report-be.json');
    const args = [
      'send',
      fixture,
      '--address',
      gateway.address,
      '--certs-dir',
      folder.dir,
      '--id',
      URN,
    ];
    await program.parseAsync(args, { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    expect(exitCode).toBeUndefined();
    expect(JSON.parse(out.join(''))).toMatchObject({ status: 'acked' });
  });
});
