import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { createGatewayClient, type GatewayClient } from '../../../src/client';
import { initCertFolder, issueClientCertificateFiles } from '../../../src/identity/certs';
import type { CertFolderPaths } from '../../../src/identity/certs';
import { validEnvelope } from '../../helpers/envelopes';

/**
 * The TLS server name (SNI) the client sends, seen from a plain TLS server on 127.0.0.1:0 that
 * records it and hangs up (the publish then fails; only the handshake matters). RFC 6066 allows
 * host names only: an IP address as SNI is what made Node print DEP0123 on `send` to an IP.
 */

let workDir: string;
let folder: CertFolderPaths;
let clientFiles: { certificatePath: string; privateKeyPath: string };
let server: Server;
let port: number;
/** The servername of each TLS connection the server accepted (false: none was sent). */
const seen: Array<string | false> = [];
const clients: GatewayClient[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'intelroute-sni-'));
  folder = (await initCertFolder({ dir: path.join(workDir, 'pki') })).paths;
  clientFiles = await issueClientCertificateFiles({
    dir: folder.dir,
    urn: 'urn:intelroute:ncb:FR',
  });
  server = createServer(
    {
      ca: await readFile(folder.caCertificate),
      cert: await readFile(folder.serverCertificate),
      key: await readFile(folder.serverPrivateKey),
      requestCert: true,
      ALPNProtocols: ['h2'],
    },
    (socket: TLSSocket) => {
      seen.push(socket.servername ?? false);
      socket.destroy();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterEach(() => {
  clients.splice(0).forEach((client) => client.close());
  seen.length = 0;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(workDir, { recursive: true, force: true });
});

/** The server names sent by one publish attempt to `address` (with `serverName` if given). */
async function serverNamesSent(
  address: string,
  serverName?: string,
): Promise<Array<string | false>> {
  const client = createGatewayClient({
    address,
    tls: {
      caFile: folder.caCertificate,
      certFile: clientFiles.certificatePath,
      keyFile: clientFiles.privateKeyPath,
      ...(serverName === undefined ? {} : { serverName }),
    },
    retry: false,
  });
  clients.push(client);
  await client
    .publish(validEnvelope('seizure-report'), { deadlineMs: 3_000 })
    .catch(() => undefined);
  return [...new Set(seen)];
}

describe('the TLS server name the gateway client sends', () => {
  it('is none when the address is an IP address (no DEP0123 warning)', async () => {
    expect(await serverNamesSent(`127.0.0.1:${port}`)).toEqual([false]);
  });

  it('is the host name when the address names a host', async () => {
    expect(await serverNamesSent(`localhost:${port}`)).toEqual(['localhost']);
  });

  it('is serverName when one is given, and none when serverName is itself an IP address', async () => {
    expect(await serverNamesSent(`127.0.0.1:${port}`, 'localhost')).toEqual(['localhost']);
    seen.length = 0;
    expect(await serverNamesSent(`localhost:${port}`, '127.0.0.1')).toEqual([false]);
  });
});
