import { refusal, type GatewayRefusal } from '../gateway-refusal';

/** One open PublishStream as the registry sees it. */
export interface StreamLease {
  /** A message was read and is being processed; returns how many are in flight. */
  begin(): number;
  /** A message got its result; returns how many are still in flight. */
  done(): number;
  inFlight(): number;
  /** True once the gateway drains: read nothing more. */
  draining(): boolean;
  /** The stream ended (any way); frees its slot. Idempotent. */
  close(): void;
}

interface Entry {
  readonly identity: string;
  inFlight: number;
  closed: boolean;
  draining: boolean;
  readonly endWith: (reason: GatewayRefusal) => void;
  idle?: () => void;
}

const SHUTTING_DOWN = refusal(
  'SHUTTING_DOWN',
  'the gateway is shutting down; resend unacknowledged messages on a new stream',
);

/**
 * Counts PublishStreams per identity (a limit keeps one sender from holding all the gateway's
 * resources) and drains them at shutdown: stop reading, let the messages in hand be written and
 * answered, then end each stream with UNAVAILABLE so clients resend what was never acked.
 */
export class StreamRegistry {
  private readonly entries = new Set<Entry>();

  constructor(private readonly maxPerIdentity: number) {}

  get size(): number {
    return this.entries.size;
  }

  open(identity: string, endWith: (reason: GatewayRefusal) => void): StreamLease | GatewayRefusal {
    const mine = [...this.entries].filter((entry) => entry.identity === identity).length;
    if (mine >= this.maxPerIdentity) {
      return refusal(
        'TOO_MANY_STREAMS',
        `${identity} already has ${mine} open streams (limit ${this.maxPerIdentity})`,
      );
    }
    const entry: Entry = { identity, inFlight: 0, closed: false, draining: false, endWith };
    this.entries.add(entry);
    return {
      begin: () => ++entry.inFlight,
      done: () => {
        entry.inFlight -= 1;
        if (entry.inFlight === 0) entry.idle?.();
        return entry.inFlight;
      },
      inFlight: () => entry.inFlight,
      draining: () => entry.draining,
      close: () => {
        entry.closed = true;
        this.entries.delete(entry);
        entry.idle?.();
      },
    };
  }

  /** Drains every stream; resolves when all were ended. */
  async drainAll(): Promise<void> {
    await Promise.all([...this.entries].map((entry) => this.drain(entry)));
  }

  private async drain(entry: Entry): Promise<void> {
    entry.draining = true;
    if (entry.inFlight > 0 && !entry.closed) {
      await new Promise<void>((resolve) => {
        entry.idle = resolve;
      });
    }
    if (!entry.closed) entry.endWith(SHUTTING_DOWN);
    this.entries.delete(entry);
  }
}
