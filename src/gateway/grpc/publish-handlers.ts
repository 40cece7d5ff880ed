import type * as grpc from '@grpc/grpc-js';
import type {
  PublishAck,
  PublishRequest,
  PublishResult,
} from '../../contract/generated/intelroute/v1/gateway';
import type { Identity } from '../../identity/identity';
import type { Envelope } from '../../contract/generated/intelroute/v1/envelope';
import {
  endReceiveSpan,
  gatewayReceiveSpan,
  recordDecision,
  type IntelrouteMetrics,
} from '../../telemetry';
import { secondsSince } from '../../telemetry/intelroute-metrics';
import { timeStreamCall, timeUnaryCall } from '../../telemetry/rpc-call-timer';
import { envelopeEcho } from '../client-echo';
import { isGatewayRefusal, refusal, type GatewayRefusal } from '../gateway-refusal';
import type { PublishOutcome, PublishPipeline } from '../publish-pipeline';
import { callCertificateSerial, callIdentity, peerDescription } from './call-identity';
import type { OpenCalls } from './open-calls';
import type { PendingBytes } from './pending-bytes';
import { serviceErrorOfRefusal, statusOfRefusal } from './refusal-status';
import type { StreamLease, StreamRegistry } from './stream-registry';
import { isUndecodable, malformedRequest } from './strict-requests';
import type { TokenBuckets } from './token-bucket';

export interface PublishHandlerDeps {
  readonly pipeline: PublishPipeline;
  readonly buckets: TokenBuckets;
  readonly streams: StreamRegistry;
  readonly insecureDev: boolean;
  readonly publishTimeoutMs: number;
  readonly maxInFlightPerStream: number;
  /** Bytes of messages read and not yet answered: past its limits a sender is held back. */
  readonly pending: PendingBytes;
  readonly now: () => number;
  /** True once the gateway is stopping: new messages are refused with a retryable status. */
  readonly shuttingDown: () => boolean;
  readonly metrics: IntelrouteMetrics;
  /** At most this many refusals at the door are audited per caller (the rest are counted). */
  readonly auditBudget: TokenBuckets;
  readonly isRevoked: (serialNumber: string | undefined) => boolean;
  readonly openCalls: OpenCalls;
}

type Call = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/** `Publish`: one message, one ack or one refusal (as the call's status with details). */
export function publishHandler(
  deps: PublishHandlerDeps,
): grpc.handleUnaryCall<PublishRequest, PublishAck> {
  return (call, untimedCallback) => {
    const callback = timeUnaryCall(deps.metrics, 'Publish', call, untimedCallback);
    const identity = callIdentity(call, deps.insecureDev, deps.isRevoked);
    if (isGatewayRefusal(identity)) {
      refuseAtTheDoor(
        deps,
        call,
        { envelope: call.request.envelope, who: peerDescription(call) },
        identity,
        'Publish',
      );
      callback(serviceErrorOfRefusal(identity, envelopeEcho(call.request.envelope).messageId));
      return;
    }
    void publishOne(deps, call, identity, call.request, 'Publish').then((outcome) =>
      outcome.kind === 'ack'
        ? callback(null, outcome.ack)
        : callback(serviceErrorOfRefusal(outcome.refusal, outcome.messageId)),
    );
  };
}

/**
 * `PublishStream`: every message gets one result; a refusal never ends the stream. At most
 * `maxInFlightPerStream` messages are processed at once, and none is read while its sender holds
 * more than its share of pending bytes: the stream is paused, so HTTP/2 flow control holds the
 * sender back instead of memory filling up here.
 */
export function publishStreamHandler(
  deps: PublishHandlerDeps,
): grpc.handleBidiStreamingCall<PublishRequest, PublishResult> {
  return (call) => {
    timeStreamCall(deps.metrics, 'PublishStream', call);
    const identity = callIdentity(call, deps.insecureDev, deps.isRevoked);
    if (isGatewayRefusal(identity)) {
      refuseAtTheDoor(
        deps,
        call,
        { envelope: undefined, who: peerDescription(call) },
        identity,
        'PublishStream',
      );
      call.emit('error', serviceErrorOfRefusal(identity, ''));
      return;
    }
    const lease = deps.streams.open(identity.urn, (reason) => {
      call.emit('error', serviceErrorOfRefusal(reason, ''));
    });
    if (isGatewayRefusal(lease)) {
      call.emit('error', serviceErrorOfRefusal(lease, ''));
      return;
    }
    runStream(deps, call, identity, lease);
  };
}

function runStream(
  deps: PublishHandlerDeps,
  call: grpc.ServerDuplexStream<PublishRequest, PublishResult>,
  identity: Identity,
  lease: StreamLease,
): void {
  readAheadOne(call);
  let halfClosed = false;
  let finished = false;
  /** Set by an undecodable request: the stream ends with it once every owed result is out. */
  let ending: GatewayRefusal | undefined;
  const forget = deps.openCalls.add(callCertificateSerial(call), (reason) => {
    call.emit('error', serviceErrorOfRefusal(reason, ''));
    finish();
  });
  const finish = (): void => {
    if (finished) return;
    finished = true;
    forget();
    deps.pending.forget(identity.urn, resumeWhenRoom);
    lease.close();
  };
  /** Reads on once the stream has a free slot and its sender room for more pending bytes. */
  const resumeWhenRoom = (): void => {
    if (finished || ending !== undefined || lease.draining()) return;
    if (lease.inFlight() >= deps.maxInFlightPerStream) return; // release() comes back here
    if (deps.pending.hasRoom(identity.urn)) call.resume();
    else deps.pending.whenRoom(identity.urn, resumeWhenRoom);
  };
  const endIfSettled = (): void => {
    if (finished || lease.inFlight() > 0) return;
    if (ending !== undefined) call.emit('error', serviceErrorOfRefusal(ending, ''));
    else if (halfClosed) call.end();
    else return;
    finish();
  };
  /** Frees a message's slot once its result is out or buffered; reads on when there is room. */
  const release = (): void => {
    lease.done();
    resumeWhenRoom();
    endIfSettled();
  };
  /** Results written while the buffer was full: their slots are freed when it drains. */
  let waitingForDrain = 0;
  call.on('drain', () => {
    const drained = waitingForDrain;
    waitingForDrain = 0;
    for (let i = 0; i < drained; i += 1) release();
  });
  call.on('data', (request: PublishRequest) => {
    if (lease.draining() || ending !== undefined) return; // never acked: unread or after the end
    if (isUndecodable(request)) {
      // The stream's framing can no longer be trusted: read nothing more, answer what is owed.
      call.pause();
      ending = malformedRequest(request);
      refuseAtTheDoor(
        deps,
        call,
        { envelope: undefined, who: identity.urn },
        ending!,
        'PublishStream',
      );
      endIfSettled();
      return;
    }
    const slotsFull = lease.begin() >= deps.maxInFlightPerStream;
    const answered = publishOne(deps, call, identity, request, 'PublishStream');
    if (slotsFull || !deps.pending.hasRoom(identity.urn)) {
      call.pause();
      if (!slotsFull) deps.pending.whenRoom(identity.urn, resumeWhenRoom);
    }
    void answered.then((outcome) => {
      if (finished || call.cancelled) release();
      // A message stays "in flight" while its result waits behind a full write buffer: a
      // client that does not read its results blocks HTTP/2 flow control, writes stop
      // completing, and the stream stays paused — memory is bounded by maxInFlightPerStream,
      // not by the client. A result the buffer takes frees its slot at once (waiting for each
      // write's completion held a slot for several event-loop turns under load).
      else if (call.write(resultOf(outcome))) release();
      else waitingForDrain += 1;
    });
  });
  call.on('end', () => {
    halfClosed = true;
    endIfSettled(); // nothing in flight: answer the half-close now (else the last result does)
  });
  call.on('cancelled', finish);
  call.on('error', finish);
  call.on('close', finish);
}

/**
 * grpc-js reads a stream's messages ahead until its object-mode buffer holds 16 (Node's default
 * high-water mark), paused or not: up to 16 messages of up to maxReceiveMessageBytes each per
 * stream, held and not yet counted as in flight or pending (measured with the broker stalled:
 * 400 of 630 MB of live payloads sat in paused streams' buffers). One ahead costs nothing while
 * the stream flows: each message is handed over as it is decoded.
 */
function readAheadOne(call: grpc.ServerDuplexStream<PublishRequest, PublishResult>): void {
  const state = (call as unknown as { _readableState?: { highWaterMark?: unknown } })
    ._readableState;
  if (typeof state?.highWaterMark === 'number') state.highWaterMark = 1;
}

/**
 * One message: its receive span (child of the caller's trace), the rate limit, shutdown and
 * presence checks, then the pipeline; metrics and the span record the outcome. Never rejects.
 */
async function publishOne(
  deps: PublishHandlerDeps,
  call: Call,
  identity: Identity,
  request: PublishRequest,
  method: 'Publish' | 'PublishStream',
): Promise<PublishOutcome> {
  const started = performance.now();
  const envelope = request.envelope;
  const labels = messageLabels(envelope);
  const span = gatewayReceiveSpan({
    method,
    metadata: call.metadata,
    sender: identity.urn,
    message: () => ({ ...envelopeEcho(envelope), originCountry: labels.originCountry }),
  });
  deps.metrics.messageReceived(labels);
  const early = gate(deps, identity, request, method);
  if (early !== undefined) {
    const refused = refuseAtTheDoor(
      deps,
      call,
      { envelope, who: identity.urn },
      early,
      method,
      span,
    );
    deps.metrics.publishDuration(method, 'refused', secondsSince(started));
    return refused;
  }
  const held = deps.pending.add(identity.urn, envelope!.payload.length);
  const free = (): void => deps.pending.remove(identity.urn, held);
  let writing: Promise<unknown> | undefined;
  let outcome: PublishOutcome;
  try {
    outcome = await span.run(() =>
      deps.pipeline.publish(envelope!, {
        identity,
        deadlineAtMs: deadlineOf(call, deps),
        span,
        heldUntil: (write) => (writing = write),
      }),
    );
  } finally {
    if (writing === undefined) free();
    else writing.then(free, free);
  }
  if (outcome.kind === 'ack') {
    recordDecision(span, { kind: 'routed', routeCount: outcome.ack.records.length });
    deps.metrics.messageAccepted(labels);
    endReceiveSpan(span, 'OK');
  } else {
    recordDecision(span, { kind: 'refused', reason: outcome.refusal.reason });
    deps.metrics.messageRefused({ ...labels, reason: outcome.refusal.reason });
    endReceiveSpan(span, outcome.refusal.status);
  }
  deps.metrics.publishDuration(method, outcome.kind, secondsSince(started));
  return outcome;
}

/**
 * A refusal decided before the pipeline ran (no proven identity; for an identified caller, no
 * envelope, its rate limit, shutdown): traced, counted, and dead-lettered and audited — within an
 * audit budget per caller, so a flood of refused calls cannot flood the audit trail (the metrics
 * still count every one).
 */
function refuseAtTheDoor(
  deps: PublishHandlerDeps,
  call: Call,
  caller: { envelope: Envelope | undefined; who: string },
  answer: GatewayRefusal,
  method: 'Publish' | 'PublishStream',
  span = gatewayReceiveSpan({ method, metadata: call.metadata }),
): PublishOutcome {
  const outcome: PublishOutcome = {
    kind: 'refused',
    messageId: envelopeEcho(caller.envelope).messageId,
    refusal: answer,
  };
  if (deps.auditBudget.take(caller.who, deps.now()) === 0) {
    deps.pipeline.refuseUnprocessed(caller.envelope, caller.who, answer, span);
  }
  deps.metrics.messageRefused({ ...messageLabels(caller.envelope), reason: answer.reason });
  recordDecision(span, { kind: 'refused', reason: answer.reason });
  endReceiveSpan(span, answer.status);
  return outcome;
}

function messageLabels(envelope: Envelope | undefined): {
  messageType: string;
  originCountry: string;
} {
  return {
    messageType: envelope?.messageType ?? '',
    originCountry: envelope?.origin?.country ?? '',
  };
}

/**
 * Refusals before the pipeline: shutdown, the rate limit, a unary call while its sender holds
 * its share of pending bytes (a stream is paused instead), unsound bytes, no envelope.
 */
function gate(
  deps: PublishHandlerDeps,
  identity: Identity,
  request: PublishRequest,
  method: 'Publish' | 'PublishStream',
): GatewayRefusal | undefined {
  if (deps.shuttingDown()) {
    return refusal('SHUTTING_DOWN', 'the gateway is shutting down; retry on another connection');
  }
  const waitMs = deps.buckets.take(identity.urn, deps.now());
  if (waitMs > 0) {
    return refusal('RATE_LIMITED', `rate limit of ${identity.urn} exceeded`, [], {
      retryDelayMs: waitMs,
    });
  }
  if (method === 'Publish' && !deps.pending.hasRoom(identity.urn)) {
    const held = (deps.pending.heldBy(identity.urn) / 1_048_576).toFixed(1);
    const message = `${identity.urn} has ${held} MiB of messages still being written; retry later`;
    return refusal('RATE_LIMITED', message, [], { retryDelayMs: PENDING_RETRY_DELAY_MS });
  }
  const malformed = malformedRequest(request);
  if (malformed !== undefined) return malformed;
  if (request.envelope === undefined) {
    return refusal('ENVELOPE_INVALID', 'the request holds no envelope', [
      { field: 'envelope', description: 'required', reason: 'required' },
    ]);
  }
  return undefined;
}

/** A unary sender held back by pending bytes waits about one transaction under load. */
const PENDING_RETRY_DELAY_MS = 500;

/** The caller's deadline (a little earlier, to answer in time), capped by the gateway's own. */
function deadlineOf(call: Call, deps: PublishHandlerDeps): number {
  const own = deps.now() + deps.publishTimeoutMs;
  const deadline = call.getDeadline();
  const callers = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(callers) ? Math.min(own, callers - 50) : own;
}

function resultOf(outcome: PublishOutcome): PublishResult {
  return outcome.kind === 'ack'
    ? { messageId: outcome.ack.messageId, outcome: { $case: 'ack', ack: outcome.ack } }
    : {
        messageId: outcome.messageId,
        outcome: { $case: 'refusal', refusal: statusOfRefusal(outcome.refusal, outcome.messageId) },
      };
}
