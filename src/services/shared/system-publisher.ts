import { backoffDelayMs } from '../../core/backoff';
import {
  createGatewayClient,
  isRetriableRefusal,
  PublishRefusedError,
  type GatewayClient,
} from '../../client';
import { errorText, IntelrouteError, isIntelrouteError } from '../../core/errors';
import type { Envelope } from '../../contract/generated/intelroute/v1/envelope';
import type { Logger } from '../../telemetry/logger';
import { pauseWithHeartbeat } from '../../kafka/stream/heartbeat-wait';

/**
 * How a system message ended: `sent`; `duplicate` (the gateway had it already: a re-send after a
 * restart); `reused` (the id was taken by a different payload, e.g. a contact point changed
 * between two sends: the first version was delivered); `refused` for good (reason given).
 */
export type SystemPublishOutcome =
  | { readonly kind: 'sent' | 'duplicate' | 'reused' }
  | { readonly kind: 'refused'; readonly reason: string };

/** What a publish may wait on: the caller's stop signal and its group heartbeat. */
export interface PublishContext {
  readonly signal: AbortSignal;
  heartbeat(): Promise<void>;
}

/** Publishes intelroute's own messages through the gateway, like any sender. */
export interface SystemPublisher {
  /**
   * Publishes `envelope` until the gateway answers for good; retriable failures (gateway or
   * Kafka unavailable, deadline, rate limit) are retried with the same message id, with backoff.
   * @throws IntelrouteError SHUTTING_DOWN when `signal` aborts first.
   */
  publish(envelope: Envelope, context: PublishContext): Promise<SystemPublishOutcome>;
  close(): void;
}

/** The client and timing of a SystemPublisher. */
export interface SystemPublisherOptions {
  readonly client: Pick<GatewayClient, 'publish' | 'close'>;
  readonly publishTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly logger: Logger;
  /** Backoff between attempts (default 200 ms doubling to 10 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** A SystemPublisher over a gateway client. */
export function systemPublisher(options: SystemPublisherOptions): SystemPublisher {
  const backoff = options.backoff ?? { initialMs: 200, maxMs: 10_000 };
  return {
    async publish(envelope, context) {
      for (let attempt = 1; ; attempt += 1) {
        if (context.signal.aborted) throw stopping(envelope);
        const outcome = await publishOnce(options, envelope);
        if (outcome !== 'retry') return outcome;
        const wait = backoffDelayMs(attempt, backoff);
        options.logger.warn({ messageId: envelope.messageId, attempt }, 'publish failed; retrying');
        const every = options.heartbeatIntervalMs;
        if (!(await pauseWithHeartbeat(wait, context.signal, context.heartbeat, every))) {
          throw stopping(envelope);
        }
      }
    },
    close: () => options.client.close(),
  };
}

async function publishOnce(
  options: SystemPublisherOptions,
  envelope: Envelope,
): Promise<SystemPublishOutcome | 'retry'> {
  try {
    const ack = await options.client.publish(envelope, {
      deadlineMs: options.publishTimeoutMs,
      retry: false,
    });
    return { kind: ack.duplicate ? 'duplicate' : 'sent' };
  } catch (error) {
    if (error instanceof PublishRefusedError) {
      if (error.refusal.reason === 'MESSAGE_ID_REUSED') return { kind: 'reused' };
      if (isRetriableRefusal(error.refusal)) return 'retry';
      const reason = error.refusal.reason || error.refusal.codeName;
      options.logger.error(
        { messageId: envelope.messageId, reason, why: error.refusal.message },
        'the gateway refused a system message',
      );
      return { kind: 'refused', reason };
    }
    if (isIntelrouteError(error, 'CLIENT_CLOSED')) throw stopping(envelope);
    options.logger.warn({ err: errorText(error), messageId: envelope.messageId }, 'publish failed');
    return 'retry';
  }
}

function stopping(envelope: Envelope): IntelrouteError {
  return new IntelrouteError('SHUTTING_DOWN', `stopped before ${envelope.messageId} was acked`);
}

/** Where a system component's gateway client finds the gateway and its certificate. */
export interface SystemClientSettings {
  readonly address: string;
  /** Folder with `ca.crt` and `clients/system.<component>.crt|.key`. */
  readonly certsDir: string;
  readonly serverName: string | undefined;
}

/**
 * The gateway client of `urn:intelroute:system:<component>` (mTLS with its certificate).
 * @throws IntelrouteError CLIENT_OPTIONS_INVALID when the files cannot be read.
 */
export function systemGatewayClient(
  settings: SystemClientSettings,
  component: string,
): GatewayClient {
  const dir = settings.certsDir.replace(/\/+$/, '');
  return createGatewayClient({
    address: settings.address,
    tls: {
      caFile: `${dir}/ca.crt`,
      certFile: `${dir}/clients/system.${component}.crt`,
      keyFile: `${dir}/clients/system.${component}.key`,
      ...(settings.serverName === undefined ? {} : { serverName: settings.serverName }),
    },
    retry: false,
  });
}
