import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaTlsConfig } from '../config';
import { IntelrouteError } from '../core/errors';

/**
 * kafkajs's `ssl` option for the configured TLS files: `undefined` (plaintext) when none is set.
 * The files are read once, here, at start-up.
 * @throws IntelrouteError CONFIG_INVALID when only one of certificate and key is given, or a
 *   file cannot be read (naming the file and the variable that sets it).
 */
export function kafkaTlsOptions(tls: KafkaTlsConfig | undefined): ConnectionOptions | undefined {
  if (tls === undefined) return undefined;
  const { caFile, certFile, keyFile } = tls;
  if ((certFile === null) !== (keyFile === null)) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'Kafka TLS needs both a client certificate (KAFKA_SSL_CERT_FILE) and its key (KAFKA_SSL_KEY_FILE), or neither',
    );
  }
  if (caFile === null && certFile === null) return undefined;
  return {
    rejectUnauthorized: true,
    ...(caFile === null ? {} : { ca: [read(caFile, 'KAFKA_SSL_CA_FILE')] }),
    ...(certFile === null ? {} : { cert: read(certFile, 'KAFKA_SSL_CERT_FILE') }),
    ...(keyFile === null ? {} : { key: read(keyFile, 'KAFKA_SSL_KEY_FILE') }),
  };
}

function read(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new IntelrouteError('CONFIG_INVALID', `cannot read ${file} (${variable})`, { cause });
  }
}
