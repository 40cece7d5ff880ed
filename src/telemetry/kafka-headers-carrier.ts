import {
  context as contextApi,
  createTraceState,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { safely } from './never-throw';
import { formatTraceparent, parseTraceparent } from './trace-context';
import { spanContextOf, traceIdsOf } from './trace-ids';

/** A Kafka header value as kafkajs hands it over (`IHeaders`): bytes, text, or several. */
export type KafkaHeaderValue = Buffer | string | ReadonlyArray<Buffer | string> | undefined;

/** Kafka record headers: our `Record<string, string>` or kafkajs's `IHeaders`. */
export type KafkaHeaders = Readonly<Record<string, KafkaHeaderValue>>;

/** The W3C trace-context headers intelroute writes into a record (same shape as `TraceCarrier`). */
export interface TraceHeaders {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';

/** Reads Kafka headers for a propagator; Buffer values are UTF-8, the first of several wins. */
export const kafkaHeadersGetter: TextMapGetter<KafkaHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const raw = carrier[key];
    const first = Array.isArray(raw) ? (raw as ReadonlyArray<Buffer | string>)[0] : raw;
    return first === undefined ? undefined : first.toString();
  },
};

/** Writes text headers for a propagator (kafkajs accepts string header values as they are). */
export const kafkaHeadersSetter: TextMapSetter<Record<string, KafkaHeaderValue>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * The `traceparent` (and `tracestate`) of the span active in `ctx`, to write into a record's
 * headers. Uses the registered propagator; with no SDK (no propagator) the span context is
 * formatted directly, so a trace id still crosses Kafka. Empty when `ctx` holds no valid span.
 */
export function injectTraceHeaders(ctx: Context = contextApi.active()): TraceHeaders {
  return safely(
    'injecting trace headers',
    () => {
      const carrier: Record<string, KafkaHeaderValue> = {};
      propagation.inject(ctx, carrier, kafkaHeadersSetter);
      const injected = kafkaHeadersGetter.get(carrier, TRACEPARENT);
      return injected === undefined ? formatted(ctx) : pick(carrier);
    },
    () => ({}),
  );
}

/**
 * The context a record's headers carry (its producer span as remote parent), on top of `base`
 * (default: the root context, so a reader's span never inherits whatever happens to be active
 * in its poll loop). Malformed or missing headers give `base` unchanged.
 */
export function extractTraceContext(headers: KafkaHeaders, base: Context = ROOT_CONTEXT): Context {
  return extractWith(headers, kafkaHeadersGetter, base);
}

/** Shared by the Kafka and gRPC extractors: the propagator, else a direct W3C parse. */
export function extractWith<C>(carrier: C, getter: TextMapGetter<C>, base: Context): Context {
  return safely(
    'extracting trace context',
    () => {
      const extracted = propagation.extract(base, carrier, getter);
      if (traceIdsOf(trace.getSpanContext(extracted)) !== undefined) return extracted;
      const parent = parseTraceparent(first(getter.get(carrier, TRACEPARENT)));
      if (parent === undefined) return base;
      const tracestate = first(getter.get(carrier, TRACESTATE));
      return trace.setSpanContext(base, {
        ...spanContextOf(parent, true),
        ...(tracestate === undefined ? {} : { traceState: createTraceState(tracestate) }),
      });
    },
    () => base,
  );
}

function formatted(ctx: Context): TraceHeaders {
  const spanContext = trace.getSpanContext(ctx);
  const ids = traceIdsOf(spanContext);
  if (ids === undefined) return {};
  const tracestate = spanContext?.traceState?.serialize();
  return {
    traceparent: formatTraceparent(ids),
    ...(tracestate ? { tracestate } : {}),
  };
}

function pick(carrier: Record<string, KafkaHeaderValue>): TraceHeaders {
  const traceparent = kafkaHeadersGetter.get(carrier, TRACEPARENT);
  const tracestate = kafkaHeadersGetter.get(carrier, TRACESTATE);
  return {
    ...(traceparent === undefined ? {} : { traceparent: first(traceparent) as string }),
    ...(tracestate ? { tracestate: first(tracestate) as string } : {}),
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
