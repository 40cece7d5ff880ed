import { context, isSpanContextValid, trace, TraceFlags, type Context } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { childContext } from './trace-context';

/** A W3C trace id (32 hex digits) and span id (16 hex digits), always valid (never all zeros). */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

/**
 * The ids of the span active in `ctx` (default: the active context). With no SDK installed, or
 * outside any span, span contexts are invalid: fresh W3C ids are generated instead, so receipts,
 * acks and logs always have a trace id. Fresh ids differ on every call: call once per message and
 * keep the result (or use `SpanScope.traceIds`, computed once when the span starts).
 */
export function currentTraceIds(ctx: Context = context.active()): TraceIds {
  return traceIdsOf(trace.getSpanContext(ctx)) ?? freshTraceIds();
}

/** The ids of a span context, or undefined when it is invalid. */
export function traceIdsOf(spanContext: SpanContext | undefined): TraceIds | undefined {
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  return {
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    sampled: (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
  };
}

/** New random ids: the root of a new trace, sampled (as the gateway always marked new traces). */
export function freshTraceIds(): TraceIds {
  const { traceId, spanId, sampled } = childContext(undefined);
  return { traceId, spanId, sampled };
}

/** A span context for `ids`, as if received from a remote parent. */
export function spanContextOf(ids: TraceIds, isRemote: boolean): SpanContext {
  return {
    traceId: ids.traceId,
    spanId: ids.spanId,
    traceFlags: ids.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote,
  };
}
