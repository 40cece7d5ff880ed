import type * as grpc from '@grpc/grpc-js';
import type { Refusal } from '../contract/rich-status';
import { IntelrouteError } from '../core/errors';
import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
import { compileRetryPolicy, type RetryPolicy, type RetryPolicyInput } from './retry-policy';

/** Options of openPublishStream. */
export interface PublishStreamOptions {
  /**
   * Most messages awaiting a result at once; `send` waits for room beyond it. Default 32. Keep
   * it at or below the gateway's own limit, beyond which it stops reading the stream.
   */
  readonly maxInFlight?: number;
  /** Called with every ack, after the send's promise resolved. */
  readonly onAck?: (ack: PublishAck) => void;
  /**
   * Called with every final refusal, after the send's promise rejected. When given, send
   * promises may be left unobserved: their rejections are marked handled.
   */
  readonly onRefusal?: (refusal: Refusal, messageId: string) => void;
  /** Metadata of every stream opened (e.g. `traceparent`). */
  readonly metadata?: grpc.Metadata;
  /** Resending of messages refused with a retriable status; `false` for none. Default: client's. */
  readonly retry?: RetryPolicyInput | false;
  /** Reopening after a drop. Default: the client's. */
  readonly reconnect?: RetryPolicyInput;
}

/** PublishStreamOptions checked, with defaults. */
export interface CompiledStreamOptions {
  readonly maxInFlight: number;
  readonly onAck?: (ack: PublishAck) => void;
  readonly onRefusal?: (refusal: Refusal, messageId: string) => void;
  readonly metadata?: grpc.Metadata;
  readonly retry: RetryPolicy;
  readonly reconnect: RetryPolicy;
}

/** Default of `maxInFlight`. */
export const DEFAULT_MAX_IN_FLIGHT = 32;
/** Upper bound of `maxInFlight`: each unacknowledged envelope is held in memory for resending. */
export const MAX_IN_FLIGHT_LIMIT = 10_000;

/**
 * Checks stream options against the client's policies.
 * @throws IntelrouteError CLIENT_OPTIONS_INVALID
 */
export function compileStreamOptions(
  options: PublishStreamOptions,
  client: { readonly retry: RetryPolicy; readonly reconnect: RetryPolicy },
): CompiledStreamOptions {
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
    throw new IntelrouteError(
      'CLIENT_OPTIONS_INVALID',
      `maxInFlight must be an integer from 1 to ${MAX_IN_FLIGHT_LIMIT}, got ${maxInFlight}`,
    );
  }
  const retry =
    options.retry === false
      ? { ...client.retry, maxAttempts: 1 }
      : compileRetryPolicy(options.retry, client.retry, 'retry');
  const reconnect = compileRetryPolicy(options.reconnect, client.reconnect, 'reconnect');
  return Object.freeze({ ...options, maxInFlight, retry, reconnect });
}
