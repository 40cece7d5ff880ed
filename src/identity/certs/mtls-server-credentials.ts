import * as grpc from '@grpc/grpc-js';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/** PEM material of a gateway that requires client certificates. */
export interface MtlsServerCredentialsOptions {
  /** The CA client certificates must chain to (ca.crt). */
  readonly caPem: Buffer | string;
  /** The server's certificate chain (server.crt). */
  readonly certificateChainPem: Buffer | string;
  /** The server's private key (server.key); never logged. */
  readonly privateKeyPem: Buffer | string;
  /** The CA's CRL (crl.pem); when given, revoked client certificates fail the handshake. */
  readonly crlPem?: Buffer | string;
  /** A handshake not finished in this time is dropped (Node's default is 120 s). */
  readonly handshakeTimeoutMs?: number;
}

/**
 * gRPC server credentials for mutual TLS with an optional CRL, reloadable while serving.
 *
 * Why not `grpc.ServerCredentials.createSsl(ca, [{ cert_chain, private_key }], true)`: in
 * grpc-js 1.14.7 it has no CRL parameter, and the server side has no `createFromSecureContext`
 * (only channel credentials do). But grpc-js builds its TLS server from the public
 * `ServerCredentials` constructor's two option objects, spread into
 * `http2.createSecureServer(...)`, and re-applies the second one through
 * `setSecureContext(...)` whenever a subclass calls `updateSecureContextOptions`; Node's TLS
 * then checks the chain, validity dates, key usage (clientAuth) and, with `crl`, revocation —
 * all before any handler runs.
 *
 * `requestCert: true` asks for a client certificate; Node's default `rejectUnauthorized: true`
 * (stated here anyway) refuses a missing or unverifiable one. The client then sees UNAVAILABLE.
 */
export class MtlsServerCredentials extends grpc.ServerCredentials {
  #context: SecureContextOptions;

  /** @throws Error from Node when a PEM input is invalid (checked now, not at bind time) */
  constructor(options: MtlsServerCredentialsOptions) {
    const context = secureContextOptions(options);
    createSecureContext(context);
    super(
      {
        requestCert: true,
        rejectUnauthorized: true,
        ...(options.handshakeTimeoutMs === undefined
          ? {}
          : { handshakeTimeout: options.handshakeTimeoutMs }),
      },
      context,
    );
    this.#context = context;
  }

  /**
   * Replaces the CRL for connections accepted from now on (existing connections keep going:
   * close their sessions to cut a revoked peer off at once). Call after `certs revoke`.
   * @throws Error from Node when the CRL is not a valid PEM CRL; the previous one stays active
   */
  updateCrl(crlPem: Buffer | string): void {
    const context = { ...this.#context, crl: crlPem };
    // Built first because grpc-js, when setSecureContext fails, logs and then drops every new
    // connection until a later update succeeds: a bad CRL must never get that far.
    createSecureContext(context);
    this.#context = context;
    this.updateSecureContextOptions(context);
  }

  /** Credentials are interchangeable only with themselves: the key material is not compared. */
  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

function secureContextOptions(options: MtlsServerCredentialsOptions): SecureContextOptions {
  return {
    ca: options.caPem,
    cert: options.certificateChainPem,
    key: options.privateKeyPem,
    ...(options.crlPem === undefined ? {} : { crl: options.crlPem }),
  };
}
