import { readFileSync } from 'node:fs';
import type { IntelrouteConfig } from '../../config';
import { IntelrouteError } from '../../core/errors';
import { MIN_LINK_SECRET_BYTES } from '../links/selector-keys';
import type { SystemClientSettings } from './system-publisher';

/**
 * The network secret from `links.secretFile` (INTELROUTE_LINK_SECRET_FILE): the file's bytes,
 * one trailing newline left out (so `openssl rand -base64 48 > file` works as it reads).
 * Read once at start-up; never logged.
 * @throws IntelrouteError CONFIG_INVALID when no file is configured or it cannot be read;
 *   LINK_SECRET_INVALID when it holds fewer than 32 bytes.
 */
export function readLinkSecret(config: Pick<IntelrouteConfig, 'links'>): Buffer {
  const file = config.links.secretFile;
  if (file === null) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'the link detector needs the network secret: set links.secretFile or INTELROUTE_LINK_SECRET_FILE',
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new IntelrouteError('CONFIG_INVALID', `cannot read the link secret file ${file}`, {
      cause,
    });
  }
  const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? 2 : 1) : 0;
  const secret = bytes.subarray(0, bytes.length - end);
  if (secret.length < MIN_LINK_SECRET_BYTES) {
    throw new IntelrouteError(
      'LINK_SECRET_INVALID',
      `the link secret in ${file} has ${secret.length} bytes; at least ${MIN_LINK_SECRET_BYTES} are required`,
      { details: { minBytes: MIN_LINK_SECRET_BYTES, actualBytes: secret.length } },
    );
  }
  return secret;
}

/**
 * Where a system service's gateway client connects: `systemClient.gatewayAddress`, else the
 * configured gateway's host and port; certificates from `systemClient.certsDir`, else the
 * gateway's own folder. On a loopback address the server name defaults to `localhost`, the name
 * development certificates are issued for.
 * @throws IntelrouteError CONFIG_INVALID when no certificate folder is configured.
 */
export function systemClientSettings(
  config: Pick<IntelrouteConfig, 'systemClient' | 'gateway'>,
): SystemClientSettings {
  const { systemClient, gateway } = config;
  const address = systemClient.gatewayAddress ?? `${gateway.host}:${gateway.port}`;
  const certsDir = systemClient.certsDir ?? gateway.tls.certsDir;
  if (certsDir === null) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'no client certificate for the system service: set systemClient.certsDir or INTELROUTE_SYSTEM_CERTS_DIR (a folder written by `intelroute certs`)',
    );
  }
  const host = address.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  const serverName = systemClient.serverName ?? (loopback ? 'localhost' : undefined);
  return { address, certsDir, serverName };
}
