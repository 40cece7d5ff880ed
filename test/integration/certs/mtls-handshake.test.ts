import * as grpc from '@grpc/grpc-js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  MtlsServerCredentials,
  initCertFolder,
  loadCertificateAuthority,
  issueClientCertificateFiles,
  revokeCertificate,
  type CertFolderPaths,
} from '../../../src/identity/certs';
import { parseIdentityUrn } from '../../../src/identity';
import { craftClientCertificate } from '../../unit/identity/crafted-certificate';
import { callWhoAmI, startWhoAmIServer, type WhoAmIServer } from './who-am-i-server';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One folder per run, as `intelroute certs init` makes it; a second CA for the stranger. */
let workDir: string;
let folder: CertFolderPaths;
let strangerFolder: CertFolderPaths;
let caPem: Buffer;
/** A valid client: after each refusal it proves the server itself accepts good certificates. */
let control: grpc.ChannelCredentials;
const servers: WhoAmIServer[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'intelroute-mtls-'));
  folder = (await initCertFolder({ dir: path.join(workDir, 'pki') })).paths;
  // Same CA name as ours: only the signature can tell them apart.
  strangerFolder = (await initCertFolder({ dir: path.join(workDir, 'stranger') })).paths;
  caPem = await readFile(folder.caCertificate);
  control = await clientCredentials(await issue('urn:intelroute:ncb:NL', { outName: 'control' }));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await rm(workDir, { recursive: true, force: true });
});

async function serverCredentials(options: { crl: boolean }): Promise<MtlsServerCredentials> {
  return new MtlsServerCredentials({
    caPem,
    certificateChainPem: await readFile(folder.serverCertificate),
    privateKeyPem: await readFile(folder.serverPrivateKey),
    ...(options.crl ? { crlPem: await readFile(folder.crl) } : {}),
  });
}

async function startServer(credentials: grpc.ServerCredentials): Promise<WhoAmIServer> {
  const server = await startWhoAmIServer(credentials);
  servers.push(server);
  return server;
}

/** Client credentials from a certificate/key pair on disk, trusting our CA. */
async function clientCredentials(files: {
  certificatePath: string;
  privateKeyPath: string;
}): Promise<grpc.ChannelCredentials> {
  return grpc.credentials.createSsl(
    caPem,
    await readFile(files.privateKeyPath),
    await readFile(files.certificatePath),
  );
}

/** Refused before the handler ran, while a valid client of the same server is served. */
async function expectRefusedAtHandshake(
  server: WhoAmIServer,
  credentials: grpc.ChannelCredentials,
): Promise<void> {
  const outcome = await callWhoAmI(server.address, credentials);
  expect(outcome).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
  expect(server.handlerCalls()).toBe(0);
  expect(await callWhoAmI(server.address, control)).toEqual({
    ok: true,
    identity: parseIdentityUrn('urn:intelroute:ncb:NL'),
  });
}

async function issue(
  urn: string,
  extra: { outName?: string; notBefore?: Date; notAfter?: Date; dir?: string } = {},
) {
  return issueClientCertificateFiles({ dir: extra.dir ?? folder.dir, urn, ...extra });
}

describe('mutual TLS with intelroute certificates (real grpc-js server on 127.0.0.1:0)', () => {
  it.each([
    'urn:intelroute:ncb:FR',
    'urn:intelroute:agency:FR:douane',
    'urn:intelroute:secretariat',
    'urn:intelroute:secretariat:analysis',
    'urn:intelroute:wg:BR',
    'urn:intelroute:ops:alice',
    'urn:intelroute:system:link-detector',
  ])('a client with an issued certificate for %s connects and is identified as it', async (urn) => {
    const server = await startServer(await serverCredentials({ crl: true }));
    const outcome = await callWhoAmI(server.address, await clientCredentials(await issue(urn)));
    expect(outcome).toEqual({ ok: true, identity: parseIdentityUrn(urn) });
  });

  it.each([
    [
      'a URI value smuggling a second identity',
      ['urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat'],
      'MALFORMED_IDENTITY_URI',
    ],
    [
      'two identity URIs',
      ['urn:intelroute:ncb:FR', 'urn:intelroute:secretariat'],
      'SEVERAL_IDENTITY_URIS',
    ],
    ['no identity URI', ['https://example.org/ncb/FR'], 'NO_IDENTITY_URI'],
  ])(
    'a certificate of our CA with %s passes TLS but the call is UNAUTHENTICATED',
    async (_case, uris, reason) => {
      const server = await startServer(await serverCredentials({ crl: true }));
      const crafted = await craftClientCertificate(
        await loadCertificateAuthority(folder),
        uris.map((value) => ({ type: 'url', value })),
      );
      const credentials = grpc.credentials.createSsl(
        caPem,
        Buffer.from(crafted.privateKeyPem),
        Buffer.from(crafted.certificatePem),
      );
      const outcome = await callWhoAmI(server.address, credentials);
      expect(outcome).toEqual({ ok: false, code: grpc.status.UNAUTHENTICATED, details: reason });
      // It reached the handler: the identity check, not TLS, refused it.
      expect(server.handlerCalls()).toBe(1);
    },
  );

  it('a client presenting no certificate is refused at the handshake', async () => {
    const server = await startServer(await serverCredentials({ crl: true }));
    await expectRefusedAtHandshake(server, grpc.credentials.createSsl(caPem));
  });

  it('a certificate from another CA with the same name is refused at the handshake', async () => {
    const server = await startServer(await serverCredentials({ crl: true }));
    const stranger = await issue('urn:intelroute:ncb:FR', { dir: strangerFolder.dir });
    await expectRefusedAtHandshake(server, await clientCredentials(stranger));
  });

  it('an expired certificate is refused at the handshake', async () => {
    const server = await startServer(await serverCredentials({ crl: true }));
    const now = Date.now();
    const expired = await issue('urn:intelroute:ncb:DE', {
      outName: 'expired-de',
      notBefore: new Date(now - 10 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
    });
    await expectRefusedAtHandshake(server, await clientCredentials(expired));
  });

  it('the server certificate cannot serve as a client certificate (no clientAuth usage)', async () => {
    const server = await startServer(await serverCredentials({ crl: true }));
    const serverAsClient = await clientCredentials({
      certificatePath: folder.serverCertificate,
      privateKeyPath: folder.serverPrivateKey,
    });
    await expectRefusedAtHandshake(server, serverAsClient);
  });

  it('a revoked certificate is refused at the handshake by a server given the CRL, and only by it', async () => {
    const revoked = await issue('urn:intelroute:ncb:IT', { outName: 'revoked-it' });
    await revokeCertificate(folder, { serialNumber: revoked.serialNumber });
    const credentials = await clientCredentials(revoked);

    const withCrl = await startServer(await serverCredentials({ crl: true }));
    await expectRefusedAtHandshake(withCrl, credentials);

    // The same certificate passes without the CRL: the refusal above is revocation, nothing else.
    const withoutCrl = await startServer(await serverCredentials({ crl: false }));
    expect(await callWhoAmI(withoutCrl.address, credentials)).toEqual({
      ok: true,
      identity: parseIdentityUrn('urn:intelroute:ncb:IT'),
    });
  });

  it('updateCrl refuses a certificate revoked while the server runs, for new connections', async () => {
    const credentials = await serverCredentials({ crl: true });
    const server = await startServer(credentials);
    const client = await issue('urn:intelroute:ncb:ES', { outName: 'revoked-later-es' });
    expect(await callWhoAmI(server.address, await clientCredentials(client))).toMatchObject({
      ok: true,
    });

    await revokeCertificate(folder, { serialNumber: client.serialNumber });
    credentials.updateCrl(await readFile(folder.crl));

    const callsBefore = server.handlerCalls();
    expect(await callWhoAmI(server.address, await clientCredentials(client))).toMatchObject({
      ok: false,
      code: grpc.status.UNAVAILABLE,
    });
    expect(server.handlerCalls()).toBe(callsBefore);
  });

  it('updateCrl with a malformed CRL throws and leaves the server serving with the old one', async () => {
    const credentials = await serverCredentials({ crl: true });
    const server = await startServer(credentials);
    expect(() =>
      credentials.updateCrl('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'),
    ).toThrow();
    const client = await issue('urn:intelroute:ncb:PT', { outName: 'after-bad-crl-pt' });
    expect(await callWhoAmI(server.address, await clientCredentials(client))).toMatchObject({
      ok: true,
    });
  });
});
