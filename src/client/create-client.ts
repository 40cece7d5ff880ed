import { setMaxListeners } from 'node:events';
import { IntelrouteError } from '../core/errors';
import type { Envelope } from '../contract/generated/intelroute/v1/envelope';
import { IntelGatewayClient, type PublishAck } from '../contract/generated/intelroute/v1/gateway';
import { compileClientOptions, type GatewayClientOptions } from './connect-options';
import { createPublish, type PublishOptions } from './publish';
import { openPublishStream, type PublishStream, type PublishStreamOptions } from './publish-stream';

/** A connection to an intelroute gateway, for a national system to embed. */
export interface GatewayClient {
  /** The target the channel dials. */
  readonly address: string;
  /**
   * Publishes one message and resolves with the gateway's ack (the message is durably in
   * Kafka). Retriable failures are retried with the same message_id (see createPublish).
   * @throws PublishRefusedError; IntelrouteError CLIENT_CLOSED
   */
  publish(envelope: Envelope, options?: PublishOptions): Promise<PublishAck>;
  /**
   * A publish stream with per-message promises, backpressure and automatic reconnection.
   * @throws IntelrouteError CLIENT_OPTIONS_INVALID for bad options; CLIENT_CLOSED after close()
   */
  openPublishStream(options?: PublishStreamOptions): PublishStream;
  /**
   * Closes the channel: open streams are cancelled (their unsettled sends reject with
   * CLIENT_CLOSED), retries stop. Idempotent.
   */
  close(): void;
}

/**
 * Creates a client. The channel connects lazily, on the first call; TLS files are read now.
 * @throws IntelrouteError CLIENT_OPTIONS_INVALID listing every problem with the options
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const compiled = compileClientOptions(options);
  const client = new IntelGatewayClient(
    compiled.address,
    compiled.credentials,
    compiled.channelOptions,
  );
  const lifetime = new AbortController();
  // Each open stream listens for the client's close; many streams are legitimate, not a leak.
  setMaxListeners(0, lifetime.signal);
  const dependencies = { client, closed: lifetime.signal, ...compiled };
  return {
    address: compiled.address,
    publish: createPublish(dependencies),
    openPublishStream(streamOptions) {
      if (lifetime.signal.aborted) {
        throw new IntelrouteError('CLIENT_CLOSED', 'the gateway client is closed');
      }
      return openPublishStream(dependencies, streamOptions);
    },
    close() {
      if (lifetime.signal.aborted) return;
      lifetime.abort();
      client.close();
    },
  };
}
