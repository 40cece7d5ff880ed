import {
  context as contextApi,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type TraceState,
} from '@opentelemetry/api';
import { isIntelrouteError } from '../core/errors';
import { reportSwallowed, safely } from './never-throw';
import { ATTR, clip } from './semantic-attributes';
import { childContext } from './trace-context';
import { freshTraceIds, spanContextOf, traceIdsOf, type TraceIds } from './trace-ids';
import { areSpansExported, intelrouteTracer } from './tracer';

/** An attribute value intelroute records: short text, numbers, flags. Never a payload. */
export type ScopeAttributeValue = string | number | boolean;

/**
 * One span and the context it is active in. Every method is safe to call in any order and never
 * throws; `end()` is idempotent. With no SDK installed the span is the API's non-recording span
 * and costs next to nothing, but `traceIds` are still valid (inherited or freshly generated), so
 * receipts, acks, logs and the `traceparent` written to Kafka stay consistent.
 */
export interface SpanScope {
  /** The OpenTelemetry span (non-recording when no SDK is installed or it was not sampled). */
  readonly span: Span;
  /** The parent context with this span set: what child helpers and `injectTraceHeaders` take. */
  readonly context: Context;
  /** This span's ids, computed once: use them for the receipt's and the ack's trace id. */
  readonly traceIds: TraceIds;
  /**
   * Runs `work` with this span active, so log lines written inside carry its trace id (needs the
   * SDK's context manager; without it `work` simply runs). What `work` throws is rethrown.
   */
  run<T>(work: () => T): T;
  /** Sets one attribute; text is cut to 256 characters. Never pass payload content. */
  setAttribute(key: string, value: ScopeAttributeValue): void;
  /**
   * Marks the span failed: status ERROR and `error.type` = the IntelrouteError code or the error
   * class name. The error's message is not recorded (it may quote input).
   */
  fail(error: unknown): void;
  /** Ends the span (later calls do nothing). */
  end(): void;
}

/**
 * Starts a span under `parent` (default: the root context, i.e. a new trace unless `parent`
 * carries a span). When the result has no valid ids (no SDK and no valid parent) a non-recording
 * span with fresh ids stands in, so the scope's children and headers share one trace id.
 * `options` may be a function: it is called only when the span is recorded, so attributes of
 * a span that goes nowhere are never built.
 */
export function startScope(
  name: string,
  options: SpanOptions | (() => SpanOptions),
  parent: Context = ROOT_CONTEXT,
): SpanScope {
  return safely(
    `starting span ${name}`,
    () => {
      if (!areSpansExported()) return contextOnlyScope(parent);
      const spanOptions = typeof options === 'function' ? options() : options;
      const started = intelrouteTracer().startSpan(name, spanOptions, parent);
      const ids = traceIdsOf(started.spanContext());
      if (ids !== undefined) return new Scope(started, parent, ids);
      const fresh = freshTraceIds();
      return new Scope(trace.wrapSpanContext(spanContextOf(fresh, false)), parent, fresh);
    },
    () => inertScope(parent),
  );
}

/** A scope whose span records nothing, with fresh ids (the fallback when starting fails). */
export function inertScope(parent: Context = ROOT_CONTEXT): SpanScope {
  const fresh = freshTraceIds();
  return new Scope(trace.wrapSpanContext(spanContextOf(fresh, false)), parent, fresh);
}

/** The ids of a child of `parent`'s span, and the trace state it inherits. */
export interface ChildIds {
  readonly traceIds: TraceIds;
  readonly traceState?: TraceState;
}

/**
 * A child of `parent`'s span in ids only: the same trace, a new span id, the parent's sampled
 * flag and trace state (a new trace when the parent has no span, sampled).
 */
export function contextOnlyChild(parent: Context): ChildIds {
  const parentContext = trace.getSpanContext(parent);
  const { traceId, spanId, sampled } = childContext(traceIdsOf(parentContext));
  const traceState = parentContext?.traceState;
  const traceIds = { traceId, spanId, sampled };
  return traceState === undefined ? { traceIds } : { traceIds, traceState };
}

/** A span that records nothing, carrying `child`'s ids, active in a context under `parent`. */
export function contextOnlyScope(parent: Context, child = contextOnlyChild(parent)): SpanScope {
  const { traceIds, traceState } = child;
  const spanContext = { ...spanContextOf(traceIds, false), ...(traceState && { traceState }) };
  return new Scope(trace.wrapSpanContext(spanContext), parent, traceIds);
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; error: unknown };

class Scope implements SpanScope {
  readonly context: Context;
  private ended = false;

  constructor(
    readonly span: Span,
    parent: Context,
    readonly traceIds: TraceIds,
  ) {
    this.context = trace.setSpan(parent, span);
  }

  run<T>(work: () => T): T {
    // Only the context switch is guarded: an exception thrown by `work` is the caller's own.
    const box: { outcome?: Outcome<T> } = {};
    try {
      contextApi.with(this.context, () => {
        try {
          box.outcome = { ok: true, value: work() };
        } catch (error) {
          box.outcome = { ok: false, error };
        }
      });
    } catch (error) {
      reportSwallowed('entering a span context', error);
    }
    const { outcome } = box;
    if (outcome === undefined) return work();
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  setAttribute(key: string, value: ScopeAttributeValue): void {
    safely(
      'setting a span attribute',
      () => this.span.setAttribute(key, typeof value === 'string' ? clip(value) : value),
      () => this.span,
    );
  }

  fail(error: unknown): void {
    safely(
      'recording a span failure',
      () => {
        const type = errorType(error);
        this.span.setAttribute(ATTR.errorType, type);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
      },
      () => undefined,
    );
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    safely(
      'ending a span',
      () => this.span.end(),
      () => undefined,
    );
  }
}

/** A stable, payload-free name for an error: its IntelrouteError code or its class name. */
export function errorType(error: unknown): string {
  if (isIntelrouteError(error)) return error.code;
  if (error instanceof Error) return clip(error.name);
  return 'unknown';
}
