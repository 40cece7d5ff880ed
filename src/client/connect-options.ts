import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { IntelrouteError } from '../core/errors';
import { mutualTlsCredentials } from './mutual-tls-credentials';
import {
  DEFAULT_PUBLISH_RETRY,
  DEFAULT_RECONNECT,
  compileRetryPolicy,
  type RetryPolicy,
  type RetryPolicyInput,
} from './retry-policy';

/** PEM text, or its bytes. */
export type Pem = string | Buffer;

/**
 * Mutual TLS, as the gateway requires: the CA that signed the gateway's certificate, and this
 * system's client certificate and key (its SAN URI is the sender's identity). Each is given
 * inline or as a file, not both.
 */
export interface MutualTlsOptions {
  readonly insecure?: false;
  readonly ca?: Pem;
  readonly caFile?: string;
  readonly cert?: Pem;
  readonly certFile?: string;
  readonly key?: Pem;
  readonly keyFile?: string;
  /**
   * The name the gateway's certificate is checked against when it differs from the address's
   * host (e.g. `localhost` while dialling 127.0.0.1); also sent as the HTTP/2 authority.
   */
  readonly serverName?: string;
}

/** Plaintext, for a gateway started with --insecure-dev only. */
export interface InsecureOptions {
  readonly insecure: true;
}

/** Options of createGatewayClient. */
export interface GatewayClientOptions {
  /** `host:port` of the gateway (any grpc-js target, e.g. `dns:///gw.example:443`). */
  readonly address: string;
  readonly tls: MutualTlsOptions | InsecureOptions;
  /** Deadline of each Publish attempt when the call gives none. Default 30 000. */
  readonly defaultDeadlineMs?: number;
  /** Retries of retriable publish failures (same message_id); `false` for none. */
  readonly retry?: RetryPolicyInput | false;
  /** How a publish stream with unacknowledged messages reopens after a drop. */
  readonly reconnect?: RetryPolicyInput;
  /** grpc-js channel options, applied over CLIENT_CHANNEL_OPTIONS. */
  readonly channelOptions?: grpc.ChannelOptions;
}

/** The options once checked, with files read and defaults applied. */
export interface CompiledClientOptions {
  readonly address: string;
  readonly credentials: grpc.ChannelCredentials;
  readonly channelOptions: grpc.ChannelOptions;
  readonly defaultDeadlineMs: number;
  /** maxAttempts 1 when retries are off. */
  readonly retry: RetryPolicy;
  readonly reconnect: RetryPolicy;
}

/** Default deadline of one Publish attempt. */
export const DEFAULT_DEADLINE_MS = 30_000;

/** Largest response accepted (acks are small; this bounds what a faulty peer can make us hold). */
export const MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Channel options of every client. Keepalive pings go out every 30 s during calls only:
 * servers (grpc-js and grpc-go alike) close connections that ping more often than their
 * minimum (commonly 10 s or more) or ping without calls, with GOAWAY `too_many_pings`. A local
 * subchannel pool keeps clients with different certificates from sharing a connection.
 */
export const CLIENT_CHANNEL_OPTIONS: grpc.ChannelOptions = Object.freeze({
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
  'grpc.max_reconnect_backoff_ms': 10_000,
  'grpc.use_local_subchannel_pool': 1,
});

/**
 * Checks the options, reads the TLS files and applies defaults.
 * @throws IntelrouteError CLIENT_OPTIONS_INVALID listing every problem (missing or unreadable
 *   files included)
 */
export function compileClientOptions(options: GatewayClientOptions): CompiledClientOptions {
  const problems: string[] = [];
  const address = typeof options.address === 'string' ? options.address.trim() : '';
  if (address === '' || /\s/.test(address)) problems.push('address must be host:port');
  const deadline = options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS;
  if (!Number.isInteger(deadline) || deadline <= 0) {
    problems.push('defaultDeadlineMs must be a positive integer');
  }
  const tls = readTls(options.tls, problems);
  if (problems.length > 0) throw invalidOptions(problems);
  return Object.freeze({
    address,
    credentials: tls === null ? grpc.credentials.createInsecure() : mutualTlsCredentials(tls),
    channelOptions: Object.freeze({
      ...CLIENT_CHANNEL_OPTIONS,
      ...serverNameOptions(options.tls),
      ...options.channelOptions,
    }),
    defaultDeadlineMs: deadline,
    retry:
      options.retry === false
        ? compileRetryPolicy({ maxAttempts: 1 }, DEFAULT_PUBLISH_RETRY, 'retry')
        : compileRetryPolicy(options.retry, DEFAULT_PUBLISH_RETRY, 'retry'),
    reconnect: compileRetryPolicy(options.reconnect, DEFAULT_RECONNECT, 'reconnect'),
  });
}

/** The PEM material, or null for plaintext (or when a problem was recorded). */
function readTls(
  tls: MutualTlsOptions | InsecureOptions | undefined,
  problems: string[],
): { ca: Buffer; cert: Buffer; key: Buffer } | null {
  if (tls === undefined || tls === null) {
    problems.push('tls is required: { caFile, certFile, keyFile } or { insecure: true }');
    return null;
  }
  if (tls.insecure === true) return null;
  const ca = pem('ca', tls.ca, tls.caFile, problems);
  const cert = pem('cert', tls.cert, tls.certFile, problems);
  const key = pem('key', tls.key, tls.keyFile, problems);
  return ca === null || cert === null || key === null ? null : { ca, cert, key };
}

/** One PEM input, inline or from its file; the key's content never goes into a message. */
function pem(
  name: string,
  inline: Pem | undefined,
  file: string | undefined,
  problems: string[],
): Buffer | null {
  if (inline !== undefined && file !== undefined) {
    problems.push(`tls: give ${name} or ${name}File, not both`);
    return null;
  }
  if (inline !== undefined) return Buffer.isBuffer(inline) ? inline : Buffer.from(inline, 'utf8');
  if (file === undefined) {
    problems.push(`tls: ${name} (or ${name}File) is required, or insecure: true`);
    return null;
  }
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`tls: cannot read ${name}File ${file} (${code})`);
    return null;
  }
}

function serverNameOptions(tls: MutualTlsOptions | InsecureOptions): grpc.ChannelOptions {
  if (tls === undefined || tls.insecure === true || tls.serverName === undefined) return {};
  return {
    'grpc.ssl_target_name_override': tls.serverName,
    'grpc.default_authority': tls.serverName,
  };
}

function invalidOptions(problems: readonly string[]): IntelrouteError {
  return new IntelrouteError(
    'CLIENT_OPTIONS_INVALID',
    `invalid gateway client options: ${problems.join('; ')}`,
    { details: { problems } },
  );
}
