import type { Envelope } from '../contract/generated/intelroute/v1/envelope';
import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
import type { PublishStreamOptions } from './publish-stream-options';
import { PublishStreamSession, type PublishStreamDependencies } from './publish-stream-session';

export type { PublishStreamOptions } from './publish-stream-options';
export type { PublishStreamDependencies } from './publish-stream-session';

/**
 * Messages over one PublishStream, each with its own promise. Reconnects by itself: when the
 * stream ends with a retriable status (UNAVAILABLE, a gateway shutting down, a dropped
 * connection) while messages are unacknowledged, it opens a new stream after a backoff and
 * resends every unacknowledged message with the same message_id (the gateway's idempotency
 * makes that safe), so callers just await their promises.
 */
export interface PublishStream {
  /**
   * Sends `envelope` once fewer than `maxInFlight` messages await a result; resolves with its
   * ack. A message retried with a retriable refusal (rate limit, Kafka unavailable) is resent
   * on the stream after a backoff.
   * @throws PublishRefusedError on the message's final refusal, or when the stream fails
   * @throws IntelrouteError ENVELOPE_INPUT_INVALID without a message_id, with one in flight, or
   *   when the envelope cannot be encoded (nothing is sent);
   *   CLIENT_CLOSED after end(), cancel() or the client's close()
   */
  send(envelope: Envelope): Promise<PublishAck>;
  /** Resolves when a send would be written at once: await it to pace a producer loop. */
  ready(): Promise<void>;
  /** Stops accepting sends, half-closes, and resolves once every send has settled. */
  end(): Promise<void>;
  /** Abandons the stream now: unsettled sends reject with CLIENT_CLOSED. Idempotent. */
  cancel(): void;
  /** Messages sent and awaiting their result. */
  readonly inFlight: number;
}

/**
 * Opens a publish stream (lazily: the gRPC stream starts with the first send).
 * @throws IntelrouteError CLIENT_OPTIONS_INVALID for bad options
 */
export function openPublishStream(
  deps: PublishStreamDependencies,
  options: PublishStreamOptions = {},
): PublishStream {
  const session = new PublishStreamSession(deps, options);
  return {
    send: (envelope) => session.send(envelope),
    ready: () => session.ready(),
    end: () => session.end(),
    cancel: () => session.cancel(),
    get inFlight() {
      return session.inFlight;
    },
  };
}
