import { context, trace } from '@opentelemetry/api';
import { traceIdsOf, type TraceIds } from './trace-ids';
import type { SpanScope } from './span-scope';

/**
 * The pino mixin: `{ traceId, spanId }` of the span active when the line is written, or nothing.
 * Runs for every line, so it only reads the context (a map lookup), and never throws.
 */
export function activeSpanFields(): { traceId?: string; spanId?: string } {
  try {
    const ids = traceIdsOf(trace.getSpanContext(context.active()));
    return ids === undefined ? {} : { traceId: ids.traceId, spanId: ids.spanId };
  } catch {
    return {};
  }
}

/**
 * `{ traceId, spanId }` of a scope (or of ids), to spread into a log call's fields where no span
 * is active: with no SDK, or one that records no span, there is no context manager, so the mixin
 * finds nothing.
 */
export function traceFields(of: SpanScope | TraceIds): { traceId: string; spanId: string } {
  const ids = 'traceIds' in of ? of.traceIds : of;
  return { traceId: ids.traceId, spanId: ids.spanId };
}
