import { isIP } from 'node:net';
import { checkServerIdentity, connect, createSecureContext, type SecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';

/** PEM bytes of the CA that signed the gateway's certificate, and of this system's own pair. */
export interface MutualTlsMaterial {
  readonly ca: Buffer;
  readonly key: Buffer;
  readonly cert: Buffer;
}

/**
 * Channel credentials for mutual TLS, as `grpc.credentials.createSsl(ca, key, cert)` makes them
 * except for the TLS server name (SNI). grpc-js sends the target's host as SNI even when it is
 * an IP address (grpc/grpc-node#1919), which RFC 6066 §3 forbids and Node answers by printing a
 * DeprecationWarning (DEP0123) — `send --address 127.0.0.1:50051` printed it on every run. Here
 * SNI is sent for host names only. The gateway's certificate is checked as grpc-js checks it:
 * against `grpc.ssl_target_name_override` (the client's `serverName`) when set, else against the
 * target's host, IP address or name.
 * @throws what tls.createSecureContext throws for PEM it cannot use
 */
export function mutualTlsCredentials(material: MutualTlsMaterial): grpc.ChannelCredentials {
  return new MutualTlsCredentials(createSecureContext(material));
}

class MutualTlsCredentials extends grpc.ChannelCredentials {
  constructor(private readonly context: SecureContext) {
    super();
  }

  override _isSecure(): boolean {
    return true;
  }

  override _equals(other: grpc.ChannelCredentials): boolean {
    return other === this;
  }

  override _createSecureConnector(
    target: grpc.experimental.GrpcUri,
    options: grpc.ChannelOptions,
    callCredentials?: grpc.CallCredentials,
  ): grpc.experimental.SecureConnector {
    // Through an HTTP CONNECT proxy the channel's target is the proxy; the gateway is this one.
    const proxied = options['grpc.http_connect_target'];
    const host = hostOf(proxied === undefined ? target : parseTarget(proxied));
    const name = options['grpc.ssl_target_name_override'] ?? host;
    const tlsOptions = {
      secureContext: this.context,
      ALPNProtocols: ['h2'],
      host,
      ...(isIP(name) === 0 ? { servername: name } : {}),
      checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) =>
        checkServerIdentity(name, cert),
    };
    return {
      connect: (socket) =>
        new Promise((resolve, reject) => {
          const tlsSocket = connect({ ...tlsOptions, socket }, () => {
            if (!tlsSocket.authorized) reject(tlsSocket.authorizationError);
            else resolve({ socket: tlsSocket, secure: true });
          });
          tlsSocket.on('error', reject);
        }),
      waitForReady: () => Promise.resolve(),
      getCallCredentials: () => callCredentials ?? grpc.credentials.createEmpty(),
      destroy: () => undefined,
    };
  }
}

/** The host a target names, as grpc-js's resolvers give its default authority. */
function hostOf(target: grpc.experimental.GrpcUri): string {
  if (target.scheme === 'unix' || target.scheme === 'unix-abstract') return 'localhost';
  // ipv4:/ipv6: targets list addresses; the first names the authority.
  const authority =
    target.scheme === 'ipv4' || target.scheme === 'ipv6'
      ? (target.path.split(',')[0] ?? target.path)
      : target.path;
  return grpc.experimental.splitHostPort(authority)?.host ?? authority;
}

/** `scheme:[//authority/]path`, the form grpc-js writes `grpc.http_connect_target` in. */
function parseTarget(text: string): grpc.experimental.GrpcUri {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/]*)\/)?(.+)$/.exec(text);
  return match === null
    ? { path: text }
    : {
        scheme: match[1]!,
        ...(match[2] === undefined ? {} : { authority: match[2] }),
        path: match[3]!,
      };
}
