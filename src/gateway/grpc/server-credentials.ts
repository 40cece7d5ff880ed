import * as grpc from '@grpc/grpc-js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MtlsServerCredentials, normalizeSerialNumber, revokedSerials } from '../../identity/certs';
import type { GatewayConfig } from '../../config';
import { IntelrouteError } from '../../core/errors';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** What the gateway listens with, and whether it is the unauthenticated development mode. */
export interface GatewayCredentials {
  readonly credentials: grpc.ServerCredentials;
  readonly insecureDev: boolean;
  /**
   * Re-reads the CRL (after `certs revoke`): new handshakes check it, and `isRevoked` answers
   * for connections opened before. A no-op without TLS or CRL.
   */
  reloadCrl(): void;
  /** True when the certificate serial (as a peer certificate shows it) is in the CRL. */
  isRevoked(serialNumber: string | undefined): boolean;
}

/**
 * mTLS from `tls.certsDir` (ca.crt, server.crt, server.key, crl.pem) or explicit files; or,
 * only when asked and only on a loopback address, plaintext for development.
 * @throws IntelrouteError CONFIG_INVALID when neither is configured, files are missing, or
 *   insecure mode is asked on a non-loopback address.
 */
export function gatewayCredentials(config: GatewayConfig): GatewayCredentials {
  if (config.insecureDev) {
    if (!LOOPBACK.has(config.host)) {
      throw new IntelrouteError(
        'CONFIG_INVALID',
        `--insecure-dev serves plaintext and is refused on ${config.host}: use 127.0.0.1, ::1 or localhost`,
      );
    }
    return {
      credentials: grpc.ServerCredentials.createInsecure(),
      insecureDev: true,
      reloadCrl: () => undefined,
      isRevoked: () => false,
    };
  }
  const files = gatewayTlsFiles(config);
  const credentials = new MtlsServerCredentials({
    caPem: readFileSync(files.ca),
    certificateChainPem: readFileSync(files.cert),
    privateKeyPem: readFileSync(files.key),
    ...(files.crl === undefined ? {} : { crlPem: readFileSync(files.crl) }),
    handshakeTimeoutMs: config.tlsHandshakeTimeoutMs,
  });
  let revoked =
    files.crl === undefined ? new Set<string>() : revokedSerials(readFileSync(files.crl));
  return {
    credentials,
    insecureDev: false,
    reloadCrl: () => {
      if (files.crl === undefined) return;
      const crl = readFileSync(files.crl);
      credentials.updateCrl(crl);
      revoked = revokedSerials(crl);
    },
    isRevoked: (serialNumber) => {
      if (serialNumber === undefined || revoked.size === 0) return false;
      try {
        return revoked.has(normalizeSerialNumber(serialNumber));
      } catch {
        return false;
      }
    },
  };
}

export function gatewayTlsFiles(config: GatewayConfig): {
  ca: string;
  cert: string;
  key: string;
  crl?: string;
} {
  const { tls } = config;
  const inDir = (name: string) => (tls.certsDir === null ? null : path.join(tls.certsDir, name));
  const ca = tls.caFile ?? inDir('ca.crt');
  const cert = tls.certFile ?? inDir('server.crt');
  const key = tls.keyFile ?? inDir('server.key');
  const crl = tls.crlFile ?? inDir('crl.pem');
  if (ca === null || cert === null || key === null) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'the gateway needs TLS: set gateway.tls.certsDir (INTELROUTE_CERTS_DIR) to a folder made by ' +
        '`intelroute certs init --dir <dir>`, or gateway.tls.caFile/certFile/keyFile; ' +
        'or run with --insecure-dev on loopback for development',
    );
  }
  const missing = [ca, cert, key].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new IntelrouteError('CONFIG_INVALID', `TLS files not found: ${missing.join(', ')}`);
  }
  return { ca, cert, key, ...(crl !== null && existsSync(crl) ? { crl } : {}) };
}
