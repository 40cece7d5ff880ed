/** Why a connection was refused before any call could be made on it. */
export type ConnectionRefusal = 'gateway-full' | 'address-full' | 'identity-full';

export interface ConnectionLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  readonly maxConnectionsPerIdentity: number;
}

/**
 * Counts open connections in total, per source address and per client certificate, and says
 * which new one may stay. Pure: the guard feeds it socket events.
 */
export class ConnectionLedger {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly perIdentity = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits) {}

  get open(): number {
    return this.total;
  }

  get capacity(): number {
    return this.limits.maxConnections;
  }

  /** A new TCP connection from `address`: counted and undefined when it may stay. */
  admitAddress(address: string): ConnectionRefusal | undefined {
    if (this.total >= this.limits.maxConnections) return 'gateway-full';
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress) {
      return 'address-full';
    }
    this.total += 1;
    increment(this.perAddress, address);
    return undefined;
  }

  /** The connection admitted for `address` closed. */
  releaseAddress(address: string): void {
    this.total -= 1;
    decrement(this.perAddress, address);
  }

  /** A connection's TLS handshake proved `identity`: counted and undefined when it may stay. */
  admitIdentity(identity: string): ConnectionRefusal | undefined {
    if ((this.perIdentity.get(identity) ?? 0) >= this.limits.maxConnectionsPerIdentity) {
      return 'identity-full';
    }
    increment(this.perIdentity, identity);
    return undefined;
  }

  releaseIdentity(identity: string): void {
    decrement(this.perIdentity, identity);
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
