import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initCertFolder, issueClientCertificateFiles } from '../../src/identity/certs';
import { ncbUrn } from './messages';

/** TLS files of one client identity. */
export interface ClientTlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface BenchCertificates {
  /** The folder the gateway is pointed at (INTELROUTE_CERTS_DIR). */
  readonly dir: string;
  /** Client files per sender country. */
  readonly clients: ReadonlyMap<string, ClientTlsFiles>;
}

/** A CA, the gateway's certificate and one client certificate per sending NCB, in a temp folder. */
export async function createBenchCertificates(
  senders: readonly string[],
): Promise<BenchCertificates> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-bench-certs-'));
  await initCertFolder({ dir });
  const clients = new Map<string, ClientTlsFiles>();
  for (const country of senders) {
    await issueClientCertificateFiles({ dir, urn: ncbUrn(country) });
    clients.set(country, {
      caFile: path.join(dir, 'ca.crt'),
      certFile: path.join(dir, 'clients', `ncb.${country}.crt`),
      keyFile: path.join(dir, 'clients', `ncb.${country}.key`),
    });
  }
  return { dir, clients };
}
