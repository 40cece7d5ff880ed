import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { GRPC_CODE_NAMES, type GrpcCodeName } from '../contract/rich-status';
import { extractGrpcTraceContext, type GrpcMetadataLike } from './grpc-metadata-carrier';
import { injectTraceHeaders, type TraceHeaders } from './kafka-headers-carrier';
import { messageAttributes, offsetValue, type MessageSpanFacts } from './message-attributes';
import { safely } from './never-throw';
import { ATTR, clip, GATEWAY_RPC_SERVICE } from './semantic-attributes';
import {
  contextOnlyChild,
  contextOnlyScope,
  type ChildIds,
  inertScope,
  startScope,
  type SpanScope,
} from './span-scope';
import { formatTraceparent } from './trace-context';
import type { TraceIds } from './trace-ids';
import { areSpansExported } from './tracer';

/** Where the gateway's receive span comes from. */
export interface ReceiveSpanInput {
  /** The gRPC method: `Publish` or `PublishStream` (one receive span per message on a stream). */
  readonly method: string;
  /** The caller's metadata (`call.metadata`): its `traceparent` becomes the span's parent. */
  readonly metadata?: GrpcMetadataLike;
  /** Or the parent context itself, already extracted (wins over `metadata`). */
  readonly parent?: Context;
  /** The authenticated identity's URN (`intelroute.sender`). */
  readonly sender?: string;
  /** Or a function giving them: called only when the span is recorded. */
  readonly message?: MessageSpanFacts | (() => MessageSpanFacts);
}

/**
 * The gateway's span for one received message: SpanKind.SERVER, named
 * `intelroute.v1.IntelGateway/<method>`, `rpc.system=grpc`, child of the caller's trace context.
 * End it with {@link endReceiveSpan} once the ack or refusal is sent.
 */
export function gatewayReceiveSpan(input: ReceiveSpanInput): SpanScope {
  return safely(
    'starting the receive span',
    () => {
      const parent = input.parent ?? parentOf(input.metadata);
      return startScope(
        `${GATEWAY_RPC_SERVICE}/${input.method}`,
        () => ({
          kind: SpanKind.SERVER,
          attributes: {
            [ATTR.rpcSystem]: 'grpc',
            [ATTR.rpcService]: GATEWAY_RPC_SERVICE,
            [ATTR.rpcMethod]: clip(input.method),
            ...(input.sender === undefined ? {} : { [ATTR.sender]: clip(input.sender) }),
            ...messageAttributes(
              typeof input.message === 'function' ? input.message() : input.message,
            ),
          },
        }),
        parent,
      );
    },
    () => inertScope(),
  );
}

/** Adds the message's facts to a span started before the envelope was read. */
export function setMessageFacts(scope: SpanScope, facts: MessageSpanFacts): void {
  for (const [key, value] of Object.entries(messageAttributes(facts))) {
    if (typeof value === 'string') scope.setAttribute(key, value);
  }
}

/** `validate` (INTERNAL): schema validation, authorisation and origin checks. */
export function validateSpan(parent: SpanScope): SpanScope {
  return internalStep('validate', parent);
}

/** `route` (INTERNAL): the routing decision. */
export function routeSpan(parent: SpanScope): SpanScope {
  return internalStep('route', parent);
}

/**
 * An INTERNAL span under `parent`; when no span is exported, the parent's context itself: an
 * internal step's span is never propagated (nothing is sent under it), so unrecorded it would
 * only cost an id, a context and a context switch per message.
 */
function internalStep(name: string, parent: SpanScope): SpanScope {
  if (areSpansExported()) return startScope(name, { kind: SpanKind.INTERNAL }, parent.context);
  const { span, context, traceIds } = parent;
  return {
    span,
    context,
    traceIds,
    run: (work) => work(),
    setAttribute: () => undefined,
    fail: () => undefined,
    end: () => undefined,
  };
}

/** The gateway's verdict on a message (`reason` is a ReasonCode name such as `NO_RECIPIENT`). */
export type GatewayDecision =
  | { readonly kind: 'routed'; readonly routeCount: number; readonly ruleId?: string }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Records `intelroute.decision` (routed | refused) and, for a refusal, `intelroute.decision.reason`;
 * for a routing, `intelroute.route_count` and `intelroute.rule_id`. A refusal is the system
 * working, not failing: the span status stays unset (see {@link endReceiveSpan}).
 */
export function recordDecision(scope: SpanScope, decision: GatewayDecision): void {
  scope.setAttribute(ATTR.decision, decision.kind);
  if (decision.kind === 'refused') {
    scope.setAttribute(ATTR.decisionReason, decision.reason);
    return;
  }
  scope.setAttribute(ATTR.routeCount, decision.routeCount);
  if (decision.ruleId !== undefined) scope.setAttribute(ATTR.ruleId, decision.ruleId);
}

/**
 * Codes that mean the server failed (OpenTelemetry RPC conventions, server side): the others
 * (INVALID_ARGUMENT, PERMISSION_DENIED, ...) are the caller's doing and leave the status unset.
 */
const SERVER_FAULTS: ReadonlySet<GrpcCodeName> = new Set([
  'UNKNOWN',
  'DEADLINE_EXCEEDED',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
]);

/** Sets `rpc.grpc.status_code` (`OK` for an ack), the status for server faults, and ends. */
export function endReceiveSpan(scope: SpanScope, status: GrpcCodeName): void {
  const code = GRPC_CODE_NAMES.indexOf(status);
  scope.setAttribute(ATTR.rpcGrpcStatusCode, code < 0 ? 2 : code);
  if (SERVER_FAULTS.has(status)) {
    safely(
      'setting the receive span status',
      () => scope.span.setStatus({ code: SpanStatusCode.ERROR, message: status }),
      () => scope.span,
    );
  }
  scope.end();
}

/** One record write, before it is sent. */
export interface SendSpanInput {
  /** The full topic name (prefix included). */
  readonly topic: string;
  readonly messageId: string;
  /** The record key as text (case reference, message id, or the directory's country). */
  readonly key: string;
}

/** A producer span and the trace headers to write into its record. */
export interface SendScope extends SpanScope {
  /** `traceparent`/`tracestate` of **this** span: a reader's process span becomes its child. */
  readonly headers: TraceHeaders;
  /** Records where the record landed (`messaging.destination.partition.id`, offset). */
  landed(location: { readonly partition: number; readonly offset: string }): void;
}

/**
 * One `send <topic>` span (SpanKind.PRODUCER) per topic write, child of `parent` (the receive
 * span). Put `headers` into that record (`encodeMessageRecord(topic, envelope, send.headers)`),
 * end it when the write is acknowledged, or `fail(error)` then end it when the write fails.
 */
export function sendSpan(parent: SpanScope, input: SendSpanInput): SendScope {
  if (!areSpansExported()) return contextOnlySend(parent);
  const scope = startScope(
    `send ${clip(input.topic)}`,
    () => ({
      kind: SpanKind.PRODUCER,
      attributes: {
        [ATTR.messagingSystem]: 'kafka',
        [ATTR.messagingOperationType]: 'send',
        [ATTR.messagingOperationName]: 'send',
        [ATTR.messagingDestinationName]: clip(input.topic),
        [ATTR.messagingMessageId]: clip(input.messageId),
        [ATTR.messagingKafkaMessageKey]: clip(input.key),
      },
    }),
    parent.context,
  );
  const headers = injectTraceHeaders(scope.context);
  return {
    span: scope.span,
    context: scope.context,
    traceIds: scope.traceIds,
    headers,
    run: <T>(work: () => T): T => scope.run(work),
    setAttribute: (key, value) => scope.setAttribute(key, value),
    fail: (error) => scope.fail(error),
    end: () => scope.end(),
    landed: (location) => {
      scope.setAttribute(ATTR.messagingDestinationPartitionId, String(location.partition));
      scope.setAttribute(ATTR.messagingKafkaOffset, offsetValue(location.offset));
    },
  };
}

/**
 * A send that records nothing: its ids and the headers they make, written as the W3C propagator
 * writes them. Its span and context are built only if something asks for them (the gateway never
 * does): unrecorded, they were a context, a span and a propagator call per record written.
 */
function contextOnlySend(parent: SpanScope): SendScope {
  return new ContextOnlySend(parent.context, contextOnlyChild(parent.context));
}

class ContextOnlySend implements SendScope {
  readonly headers: TraceHeaders;
  private built: SpanScope | undefined;

  constructor(
    private readonly parent: Context,
    private readonly child: ChildIds,
  ) {
    const tracestate = child.traceState?.serialize();
    const traceparent = formatTraceparent(child.traceIds);
    this.headers = tracestate ? { traceparent, tracestate } : { traceparent };
  }

  get traceIds(): TraceIds {
    return this.child.traceIds;
  }

  get span(): Span {
    return this.scope().span;
  }

  get context(): Context {
    return this.scope().context;
  }

  run<T>(work: () => T): T {
    return this.scope().run(work);
  }

  setAttribute(): void {}

  fail(): void {}

  end(): void {}

  landed(): void {}

  private scope(): SpanScope {
    return (this.built ??= contextOnlyScope(this.parent, this.child));
  }
}

function parentOf(metadata: GrpcMetadataLike | undefined): Context {
  return metadata === undefined ? ROOT_CONTEXT : extractGrpcTraceContext(metadata);
}
