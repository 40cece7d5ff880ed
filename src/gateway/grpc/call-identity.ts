import type * as grpc from '@grpc/grpc-js';
import { isIntelrouteError } from '../../core/errors';
import type { Identity } from '../../identity/identity';
import {
  identityFromPeerCertificate,
  parseIdentityUrn,
  requireClientAuthUsage,
} from '../../identity';
import { refusal, type GatewayRefusal } from '../gateway-refusal';

/** Metadata key naming the caller's identity in --insecure-dev mode only. */
export const DEV_IDENTITY_HEADER = 'intelroute-dev-identity';

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/**
 * The caller's identity: from its verified client certificate, or — only in insecure development
 * mode, where there is none — from the `intelroute-dev-identity` metadata. A refusal
 * (UNAUTHENTICATED) when neither proves one.
 */
export function callIdentity(
  call: AnyCall,
  insecureDev: boolean,
  isRevoked: (serialNumber: string | undefined) => boolean = () => false,
): Identity | GatewayRefusal {
  try {
    if (insecureDev) {
      const claimed = call.metadata.get(DEV_IDENTITY_HEADER)[0];
      return parseIdentityUrn(typeof claimed === 'string' ? claimed : '');
    }
    const certificate = call.getAuthContext().sslPeerCertificate;
    // The handshake checked the CRL in force then; a connection opened before a revocation is
    // caught here, on its next call.
    if (isRevoked(certificate?.serialNumber)) {
      return refusal('UNAUTHENTICATED', 'the client certificate has been revoked');
    }
    requireClientAuthUsage(certificate);
    return identityFromPeerCertificate(certificate);
  } catch (error) {
    const message = isIntelrouteError(error) ? error.message : 'no usable client identity';
    return refusal('UNAUTHENTICATED', message);
  }
}

/** The serial number of the caller's certificate, if it showed one. */
export function callCertificateSerial(call: AnyCall): string | undefined {
  return call.getAuthContext().sslPeerCertificate?.serialNumber;
}

/**
 * What can be said of a caller that proved no identity, for the audit trail: the SHA-256
 * fingerprint of its certificate when it showed one (TLS accepted it, but it names no usable
 * URN), else its address. Never trusted as an identity.
 */
export function peerDescription(call: AnyCall): string {
  const certificate = call.getAuthContext().sslPeerCertificate;
  const fingerprint = certificate?.fingerprint256;
  return fingerprint
    ? `unidentified-certificate:${fingerprint}`
    : `unidentified-peer:${call.getPeer()}`;
}
