import * as grpc from '@grpc/grpc-js';
import type { Refusal } from '../contract/rich-status';
import { IntelrouteError } from '../core/errors';
import type { Envelope } from '../contract/generated/intelroute/v1/envelope';
import type {
  IntelGatewayClient,
  PublishAck,
  PublishResult,
} from '../contract/generated/intelroute/v1/gateway';
import { encodingProblem } from './envelope-check';
import { InFlightWindow } from './in-flight-window';
import {
  compileStreamOptions,
  type CompiledStreamOptions,
  type PublishStreamOptions,
} from './publish-stream-options';
import {
  PublishRefusedError,
  isRetriableRefusal,
  refusalFromCallStatus,
  refusalFromResult,
} from './refusal';
import { backoffDelayMs, type RetryPolicy } from './retry-policy';
import { watchPublishCall, type PublishCall } from './publish-call';

/** What a publish stream needs from its client. */
export interface PublishStreamDependencies {
  readonly client: IntelGatewayClient;
  /** Aborted when the client closes: the stream is cancelled. */
  readonly closed: AbortSignal;
  readonly retry: RetryPolicy;
  readonly reconnect: RetryPolicy;
  readonly random?: () => number;
}

interface PendingMessage {
  readonly messageId: string;
  readonly envelope: Envelope;
  readonly resolve: (ack: PublishAck) => void;
  readonly reject: (error: Error) => void;
  /** Times written to a stream. */
  attempts: number;
  retryTimer: NodeJS.Timeout | null;
}

/** idle: no stream (one opens on the next send); reconnecting: waiting out a backoff. */
type State = 'idle' | 'open' | 'reconnecting' | 'closed';

/**
 * The state machine behind a PublishStream (see publish-stream.ts for the contract): one
 * window of unsettled messages, at most one open gRPC call, and the timers that reopen it or
 * resend a message. Every event handler checks that it belongs to the current call.
 */
export class PublishStreamSession {
  readonly #deps: PublishStreamDependencies;
  readonly #options: CompiledStreamOptions;
  readonly #window: InFlightWindow<PendingMessage>;
  #state: State = 'idle';
  #call: PublishCall | null = null;
  #halfClosed = false;
  #endRequested = false;
  #reconnectFailures = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #retryWaiting = 0;
  #closedCause: unknown = undefined;
  #resolveEnded: () => void = () => undefined;
  readonly #ended = new Promise<void>((resolve) => (this.#resolveEnded = resolve));
  readonly #onAbort = (): void => this.cancel();

  constructor(deps: PublishStreamDependencies, options: PublishStreamOptions) {
    this.#deps = deps;
    this.#options = compileStreamOptions(options, deps);
    this.#window = new InFlightWindow<PendingMessage>(this.#options.maxInFlight, (message) =>
      this.#admit(message),
    );
    deps.closed.addEventListener('abort', this.#onAbort, { once: true });
    if (deps.closed.aborted) this.cancel();
  }

  /** Resolves when a send would be written at once (at once when closed: the send rejects). */
  ready(): Promise<void> {
    return this.#state === 'closed' ? Promise.resolve() : this.#window.whenReady();
  }

  /** Messages sent and awaiting their result. */
  get inFlight(): number {
    return this.#window.inFlight;
  }

  send(envelope: Envelope): Promise<PublishAck> {
    const refused = this.#refuseSend(envelope);
    if (refused !== null) return Promise.reject(refused);
    const acked = new Promise<PublishAck>((resolve, reject) => {
      const message = { messageId: envelope.messageId, envelope, resolve, reject };
      this.#window.offer({ ...message, attempts: 0, retryTimer: null });
    });
    // With onRefusal the caller hears of failures there and may drop the promise.
    if (this.#options.onRefusal !== undefined) acked.catch(() => undefined);
    return acked;
  }

  end(): Promise<void> {
    if (!this.#endRequested && this.#state !== 'closed') {
      this.#endRequested = true;
      this.#maybeHalfClose();
      this.#maybeFinish();
    }
    return this.#ended;
  }

  cancel(): void {
    if (this.#state === 'closed') return;
    const call = this.#call;
    this.#close();
    call?.cancel();
    const closed = new IntelrouteError('CLIENT_CLOSED', 'the publish stream was cancelled');
    for (const message of this.#window.drain()) {
      this.#clearRetry(message);
      message.reject(closed);
    }
  }

  #refuseSend(envelope: Envelope): IntelrouteError | null {
    if (this.#state === 'closed' || this.#endRequested) {
      const why = this.#state === 'closed' ? 'is closed' : 'was ended';
      return new IntelrouteError('CLIENT_CLOSED', `the publish stream ${why}`, {
        cause: this.#closedCause,
      });
    }
    const id = envelope.messageId;
    if (id !== '' && this.#window.get(id) === undefined) return encodingProblem(envelope);
    return new IntelrouteError(
      'ENVELOPE_INPUT_INVALID',
      id === ''
        ? 'a message sent on a stream needs a message_id: results are matched to it'
        : `message ${id} is already in flight on this stream`,
      { details: { messageId: id } },
    );
  }

  /** A message entered the window: write it now, or once a stream is (re)opened. */
  #admit(message: PendingMessage): void {
    if (this.#state === 'open') this.#write(message);
    else if (this.#state === 'idle') this.#connect();
  }

  #connect(): void {
    this.#reconnectTimer = null;
    const metadata = this.#options.metadata?.clone() ?? new grpc.Metadata();
    const call = this.#deps.client.publishStream(metadata);
    this.#call = call;
    this.#state = 'open';
    this.#halfClosed = false;
    this.#watch(call);
    for (const message of this.#window.admitted()) {
      this.#clearRetry(message);
      this.#write(message);
    }
    this.#maybeHalfClose();
  }

  #write(message: PendingMessage): void {
    message.attempts += 1;
    this.#call?.write({ envelope: message.envelope });
  }

  #watch(call: PublishCall): void {
    watchPublishCall(call, {
      onResult: (result) => {
        if (call === this.#call) this.#onResult(result);
      },
      onEnded: (status) => this.#onCallEnded(call, status),
    });
  }

  #onResult(result: PublishResult): void {
    const message = this.#window.get(result.messageId);
    if (message === undefined || message.retryTimer !== null) return;
    this.#reconnectFailures = 0;
    const outcome = result.outcome;
    if (outcome?.$case === 'ack') {
      this.#window.take(message.messageId);
      message.resolve(outcome.ack);
      this.#maybeFinish();
      this.#options.onAck?.(outcome.ack);
      return;
    }
    const refusal =
      outcome?.$case === 'refusal'
        ? refusalFromResult(outcome.refusal)
        : syntheticRefusal(grpc.status.INTERNAL, 'a result with neither ack nor refusal');
    if (isRetriableRefusal(refusal) && message.attempts < this.#options.retry.maxAttempts) {
      this.#scheduleRetry(message, refusal);
    } else {
      this.#fail([message], refusal);
    }
  }

  #scheduleRetry(message: PendingMessage, refusal: Refusal): void {
    const delayMs = this.#delayMs(message.attempts, this.#options.retry, refusal);
    this.#retryWaiting += 1;
    message.retryTimer = setTimeout(() => {
      this.#clearRetry(message);
      // Half-closed: the message stays pending and goes out on the next stream.
      if (this.#state === 'open' && !this.#halfClosed) this.#write(message);
      this.#maybeHalfClose();
    }, delayMs);
  }

  #clearRetry(message: PendingMessage): void {
    if (message.retryTimer === null) return;
    clearTimeout(message.retryTimer);
    message.retryTimer = null;
    this.#retryWaiting -= 1;
  }

  #onCallEnded(call: PublishCall, status: grpc.StatusObject): void {
    if (call !== this.#call || this.#state === 'closed') return;
    this.#call = null;
    this.#state = 'idle';
    if (this.#window.inFlight === 0) {
      this.#maybeFinish();
      return;
    }
    const refusal =
      status.code === grpc.status.OK
        ? syntheticRefusal(grpc.status.UNAVAILABLE, 'the stream ended before every result came')
        : refusalFromCallStatus(status);
    if (isRetriableRefusal(refusal)) this.#scheduleReconnect(refusal);
    else this.#failAll(refusal, true);
  }

  #scheduleReconnect(refusal: Refusal): void {
    this.#reconnectFailures += 1;
    const policy = this.#options.reconnect;
    if (this.#reconnectFailures >= policy.maxAttempts) {
      this.#failAll(refusal, false);
      return;
    }
    for (const message of this.#window.admitted()) this.#clearRetry(message);
    this.#state = 'reconnecting';
    const delayMs = this.#delayMs(this.#reconnectFailures, policy, refusal);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delayMs);
  }

  #delayMs(failures: number, policy: RetryPolicy, refusal: Refusal): number {
    return backoffDelayMs(failures, policy, refusal.retryDelayMs, this.#deps.random);
  }

  /** Rejects every unsettled send with `refusal`; `close` when the stream cannot go on. */
  #failAll(refusal: Refusal, close: boolean): void {
    this.#reconnectFailures = 0;
    if (close) {
      this.#closedCause = refusal;
      this.#close();
    }
    this.#fail(this.#window.drain(), refusal);
  }

  #fail(messages: readonly PendingMessage[], refusal: Refusal): void {
    for (const message of messages) {
      this.#clearRetry(message);
      this.#window.take(message.messageId);
      const { messageId, attempts } = message;
      message.reject(new PublishRefusedError(refusal, { messageId, attempts }));
    }
    this.#maybeFinish();
    for (const { messageId } of messages) this.#options.onRefusal?.(refusal, messageId);
  }

  #maybeHalfClose(): void {
    if (!this.#endRequested || this.#state !== 'open' || this.#halfClosed) return;
    if (this.#window.queued > 0 || this.#retryWaiting > 0) return;
    this.#halfClosed = true;
    this.#call?.end();
  }

  /** After end(): once every send has settled, the stream is done. */
  #maybeFinish(): void {
    if (!this.#endRequested || this.#window.inFlight > 0 || this.#window.queued > 0) return;
    if (this.#state === 'open' && !this.#halfClosed) this.#call?.end();
    this.#close();
  }

  #close(): void {
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#state = 'closed';
    this.#call = null;
    this.#deps.closed.removeEventListener('abort', this.#onAbort);
    this.#resolveEnded();
  }
}

function syntheticRefusal(code: grpc.status, message: string): Refusal {
  return refusalFromCallStatus({ code, details: message });
}
