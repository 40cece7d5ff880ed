import { refusal, type GatewayRefusal } from '../gateway-refusal';

interface OpenCall {
  readonly serialNumber: string | undefined;
  readonly end: (reason: GatewayRefusal) => void;
}

const REVOKED = refusal('UNAUTHENTICATED', 'the client certificate has been revoked');

/**
 * Long-lived calls (PublishStream, Subscribe) with the certificate they were opened with, so a
 * revocation reaches them too: a CRL reload ends every open call whose certificate it lists.
 */
export class OpenCalls {
  private readonly calls = new Set<OpenCall>();

  /** Registers a call; returns its deregistration (call it when the call ends). */
  add(serialNumber: string | undefined, end: (reason: GatewayRefusal) => void): () => void {
    const call: OpenCall = { serialNumber, end };
    this.calls.add(call);
    return () => this.calls.delete(call);
  }

  /** Ends the calls whose certificate is revoked; returns how many. */
  endRevoked(isRevoked: (serialNumber: string | undefined) => boolean): number {
    let ended = 0;
    for (const call of [...this.calls]) {
      if (!isRevoked(call.serialNumber)) continue;
      this.calls.delete(call);
      call.end(REVOKED);
      ended += 1;
    }
    return ended;
  }
}
