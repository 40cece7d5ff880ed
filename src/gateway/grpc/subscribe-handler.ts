import type * as grpc from '@grpc/grpc-js';
import { authorizeSubscribe, type GrantTable, type StreamName } from '../../core/authorization';
import type { StreamSelector } from '../../services/readers/reader-streams';
import type { Subscription, SubscriptionService } from '../../services/readers/subscription';
import { isIntelrouteError } from '../../core/errors';
import {
  StreamKind,
  type SubscribeRequest,
  type SubscribeResponse,
  type SubscribeStart,
} from '../../contract/generated/intelroute/v1/gateway';
import type { Identity } from '../../identity/identity';
import {
  globalIntelrouteMetrics,
  type IntelrouteMetrics,
} from '../../telemetry/intelroute-metrics';
import type { Logger } from '../../telemetry/logger';
import { timeStreamCall } from '../../telemetry/rpc-call-timer';
import {
  isGatewayRefusal,
  refusal,
  refusalFromError,
  type GatewayRefusal,
} from '../gateway-refusal';
import { echoText } from '../client-echo';
import { callCertificateSerial, callIdentity } from './call-identity';
import type { OpenCalls } from './open-calls';
import { malformedRequest } from './strict-requests';
import { serviceErrorOfRefusal } from './refusal-status';

export interface SubscribeHandlerDeps {
  readonly subscriptions: SubscriptionService;
  readonly grants: () => GrantTable;
  readonly insecureDev: boolean;
  readonly now: () => number;
  readonly logger: Logger;
  /** Audits a refused read attempt (who asked for what, and why not). */
  readonly auditRefusal: (identity: string, asked: string, answer: GatewayRefusal) => void;
  readonly isRevoked: (serialNumber: string | undefined) => boolean;
  readonly openCalls: OpenCalls;
  /** Default: the instruments of the global MeterProvider (those `startTelemetry` registered). */
  readonly metrics?: IntelrouteMetrics;
}

type SubscribeCall = grpc.ServerDuplexStream<SubscribeRequest, SubscribeResponse>;

/**
 * `Subscribe`: the first request names the stream (it must be the caller's own); deliveries then
 * flow, at most `max_in_flight` unacked; each ack commits once every earlier delivery of its
 * partition is acked. When the call ends, unacked deliveries come again on the next Subscribe.
 */
export function subscribeHandler(
  deps: SubscribeHandlerDeps,
): grpc.handleBidiStreamingCall<SubscribeRequest, SubscribeResponse> {
  const metrics = deps.metrics ?? globalIntelrouteMetrics();
  return (call) => {
    timeStreamCall(metrics, 'Subscribe', call);
    const identity = callIdentity(call, deps.insecureDev, deps.isRevoked);
    if (isGatewayRefusal(identity)) {
      deps.auditRefusal('unidentified', 'subscribe', identity);
      call.emit('error', serviceErrorOfRefusal(identity, ''));
      return;
    }
    new SubscribeSession(deps, call, identity).listen();
  };
}

class SubscribeSession {
  private subscription: Subscription | undefined;
  private phase: 'waiting-start' | 'opening' | 'open' | 'ended' = 'waiting-start';

  constructor(
    private readonly deps: SubscribeHandlerDeps,
    private readonly call: SubscribeCall,
    private readonly identity: Identity,
  ) {}

  listen(): void {
    const forget = this.deps.openCalls.add(callCertificateSerial(this.call), (reason) =>
      this.fail(reason),
    );
    this.call.on('close', forget);
    this.call.on('data', (request: SubscribeRequest) => this.onRequest(request));
    const close = (): void => void this.close();
    this.call.on('end', close);
    this.call.on('cancelled', close);
    this.call.on('error', close);
    this.call.on('close', close);
  }

  private onRequest(request: SubscribeRequest): void {
    const malformed = malformedRequest(request);
    if (malformed !== undefined) {
      if (this.phase !== 'ended') this.fail(malformed);
      return;
    }
    const kind = request.kind;
    if (kind?.$case === 'start' && this.phase === 'waiting-start') {
      this.phase = 'opening';
      void this.open(kind.start);
    } else if (kind?.$case === 'ack' && this.phase === 'open') {
      this.acknowledge(kind.ack.deliveryId);
    } else if (this.phase !== 'ended') {
      const expected =
        this.phase === 'waiting-start' ? 'a start request first' : 'acks only, after one start';
      this.fail(refusal('REQUEST_MALFORMED', `Subscribe expects ${expected}`));
    }
  }

  private async open(request: SubscribeStart): Promise<void> {
    // The country is client text: repeated in the audit trail and the refusal only when short.
    const start = { ...request, country: echoText(request.country) };
    const stream = streamOf(start);
    const asked = `${stream?.name ?? 'unknown'}${start.country ? `:${start.country}` : ''}`;
    const decision =
      stream === undefined
        ? refusal('REQUEST_MALFORMED', 'SubscribeStart.stream is unspecified', [
            { field: 'start.stream', description: 'required', reason: 'required' },
          ])
        : this.authorize(stream.name, start.country);
    if (isGatewayRefusal(decision)) {
      this.deps.auditRefusal(this.identity.urn, asked, decision);
      this.fail(decision);
      return;
    }
    try {
      this.subscription = await this.deps.subscriptions.open(
        { identityUrn: this.identity.urn, stream: stream!.selector, ...decision },
        {
          maxInFlight: start.maxInFlight,
          onDelivery: (delivery) =>
            this.call.write({ kind: { $case: 'delivery', delivery: { ...delivery } } }),
          onEnd: () =>
            this.fail(
              refusal('KAFKA_UNAVAILABLE', 'the subscription stopped; subscribe again to resume'),
            ),
        },
      );
      if (this.phase === 'ended') {
        await this.subscription.stop();
        return;
      }
      this.phase = 'open';
    } catch (error) {
      this.fail(subscribeFailure(error));
    }
  }

  private authorize(
    stream: StreamName,
    country: string,
  ): { messageTypes: readonly string[] | 'all'; agencyReader: boolean } | GatewayRefusal {
    const verdict = authorizeSubscribe({
      identity: this.identity,
      stream,
      country,
      grants: this.deps.grants(),
      nowMs: this.deps.now(),
    });
    if (verdict.kind === 'refused') {
      return refusal(
        verdict.reason,
        verdict.message,
        verdict.field === undefined
          ? []
          : [{ field: verdict.field, description: verdict.message, reason: verdict.reason }],
      );
    }
    return { messageTypes: verdict.messageTypes, agencyReader: verdict.agencyReader };
  }

  private acknowledge(deliveryId: string): void {
    try {
      this.subscription?.ack(deliveryId);
    } catch (error) {
      this.fail(subscribeFailure(error));
    }
  }

  private fail(answer: GatewayRefusal): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.call.emit('error', serviceErrorOfRefusal(answer, ''));
    void this.close();
  }

  private async close(): Promise<void> {
    this.phase = 'ended';
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription
      ?.stop()
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: String(error) }, 'subscription stop failed'),
      );
  }
}

function streamOf(
  start: SubscribeStart,
): { name: StreamName; selector: StreamSelector } | undefined {
  switch (start.stream) {
    case StreamKind.STREAM_KIND_COUNTRY_INBOX:
      return { name: 'country-inbox', selector: { kind: 'country-inbox', country: start.country } };
    case StreamKind.STREAM_KIND_SECRETARIAT:
      return { name: 'secretariat', selector: { kind: 'secretariat' } };
    case StreamKind.STREAM_KIND_WORKING_GROUP:
      return { name: 'working-group', selector: { kind: 'working-group' } };
    default:
      return undefined;
  }
}

/** A second subscription of one identity is a precondition failure the client may retry. */
function subscribeFailure(error: unknown): GatewayRefusal {
  if (isIntelrouteError(error, 'SUBSCRIPTION_ALREADY_ACTIVE')) {
    return refusal('TOO_MANY_STREAMS', error.message);
  }
  if (isIntelrouteError(error, 'SUBSCRIPTION_CLOSED')) {
    return refusal('SHUTTING_DOWN', error.message);
  }
  return refusalFromError(error, '');
}
