import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import type { Refusal } from '../contract/rich-status';
import { IntelrouteError } from '../core/errors';
import type { Envelope } from '../contract/generated/intelroute/v1/envelope';
import type { IntelGatewayClient, PublishAck } from '../contract/generated/intelroute/v1/gateway';
import { encodingProblem } from './envelope-check';
import { PublishRefusedError, isRetriableRefusal, refusalFromCallStatus } from './refusal';
import {
  backoffDelayMs,
  compileRetryPolicy,
  type RetryPolicy,
  type RetryPolicyInput,
} from './retry-policy';

/** Options of one publish call. */
export interface PublishOptions {
  /** Deadline of each attempt (not of all attempts together). Default: the client's. */
  readonly deadlineMs?: number;
  /** Call metadata, e.g. `traceparent` / `tracestate` to join the sender's trace. */
  readonly metadata?: grpc.Metadata;
  /** Overrides the client's retry policy for this call; `false` for a single attempt. */
  readonly retry?: RetryPolicyInput | false;
}

/** Publishes one envelope: resolves with the gateway's ack once the message is durably stored. */
export type PublishFunction = (envelope: Envelope, options?: PublishOptions) => Promise<PublishAck>;

/** What createPublish needs from the client. */
export interface PublishDependencies {
  readonly client: IntelGatewayClient;
  /** Aborted when the client closes: pending retries stop. */
  readonly closed: AbortSignal;
  readonly defaultDeadlineMs: number;
  readonly retry: RetryPolicy;
  /** Source of jitter; Math.random unless a test fixes it. */
  readonly random?: () => number;
}

type Attempt = { ok: true; ack: PublishAck } | { ok: false; refusal: Refusal; cause: unknown };

/**
 * The client's `publish`. Retriable failures (see isRetriableRefusal) are sent again with the
 * same envelope, hence the same message_id, so the gateway's idempotency makes a retry safe:
 * a message accepted by an attempt whose ack was lost comes back as `duplicate: true`. Each
 * attempt has its own deadline; the delay between attempts grows exponentially with jitter and
 * is never shorter than the gateway's RetryInfo. An envelope without message_id is not retried.
 * @throws PublishRefusedError when the gateway refuses, or the last attempt fails
 * @throws IntelrouteError CLIENT_CLOSED when the client is closed before or while retrying;
 *   ENVELOPE_INPUT_INVALID when the envelope cannot be encoded (nothing is sent)
 */
export function createPublish(deps: PublishDependencies): PublishFunction {
  return async (envelope, options = {}) => {
    const problem = encodingProblem(envelope);
    if (problem !== null) throw problem;
    const policy = policyFor(options.retry, deps.retry);
    const deadlineMs = options.deadlineMs ?? deps.defaultDeadlineMs;
    for (let attempt = 1; ; attempt += 1) {
      if (deps.closed.aborted) throw clientClosed(envelope.messageId);
      const result = await publishOnce(deps.client, envelope, deadlineMs, options.metadata);
      if (result.ok) return result.ack;
      const retry =
        isRetriableRefusal(result.refusal) &&
        attempt < policy.maxAttempts &&
        envelope.messageId !== '';
      if (!retry) {
        throw new PublishRefusedError(result.refusal, {
          messageId: envelope.messageId,
          attempts: attempt,
          cause: result.cause,
        });
      }
      const delayMs = backoffDelayMs(attempt, policy, result.refusal.retryDelayMs, deps.random);
      await sleep(delayMs, undefined, { signal: deps.closed }).catch(() => undefined);
    }
  };
}

function policyFor(
  input: RetryPolicyInput | false | undefined,
  fallback: RetryPolicy,
): RetryPolicy {
  if (input === undefined) return fallback;
  if (input === false) return { ...fallback, maxAttempts: 1 };
  return compileRetryPolicy(input, fallback, 'retry');
}

/** One Publish call; a failure comes back as a value so the caller decides about retrying. */
function publishOnce(
  client: IntelGatewayClient,
  envelope: Envelope,
  deadlineMs: number,
  metadata: grpc.Metadata | undefined,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const callMetadata = metadata?.clone() ?? new grpc.Metadata();
    client.publish(
      { envelope },
      callMetadata,
      { deadline: Date.now() + deadlineMs },
      (error: grpc.ServiceError | null, ack?: PublishAck) => {
        if (error === null && ack !== undefined) resolve({ ok: true, ack });
        else resolve({ ok: false, refusal: refusalFromCallStatus(error ?? {}), cause: error });
      },
    );
  });
}

function clientClosed(messageId: string): IntelrouteError {
  return new IntelrouteError(
    'CLIENT_CLOSED',
    `the gateway client is closed; message ${messageId || '(no id)'} was not acknowledged`,
    { details: { messageId } },
  );
}
