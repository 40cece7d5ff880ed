import { context, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpHttpExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { Logger } from './logger';
import type { TracingPlan } from './tracing-plan';
import { setSpansExported } from './tracer';

/** The installed tracer provider. */
export interface TracingHandle {
  forceFlush(): Promise<void>;
  /** Flushes and shuts the provider down, then unregisters the API globals. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  readonly resource: Resource;
  readonly plan: TracingPlan;
  /** Replaces the planned exporter (tests pass an InMemorySpanExporter). */
  readonly spanExporter?: SpanExporter;
  readonly logger: Logger;
}

/**
 * Installs a NodeTracerProvider as the global one, with the W3C trace-context propagator only (no
 * baggage: a sender's baggage must not travel into every reader's records). The sampler comes
 * from OTEL_TRACES_SAMPLER / _ARG (the SDK reads them; default parent-based always-on). With no
 * exporter intelroute's spans are not recorded (setSpansExported) and no context manager is
 * installed: on Node 20 and 22 AsyncLocalStorage runs hooks on every promise, about 9 % of the
 * gateway's CPU per message, for nothing but the ids a log line could find in the active context;
 * intelroute's log lines about a message name its trace id themselves. With an exporter the
 * AsyncLocalStorage context manager is installed, so a handler's own spans join the message's.
 * Undefined when tracing is disabled or another provider was registered first (its spans then go
 * there; ours is shut down).
 */
export function startTracing(options: TracingOptions): TracingHandle | undefined {
  if (!options.plan.enabled) return undefined;
  const exporter = options.spanExporter ?? plannedExporter(options.plan);
  const spanProcessors: SpanProcessor[] =
    exporter === undefined ? [] : [new BatchSpanProcessor(exporter)];
  const provider = new NodeTracerProvider({ resource: options.resource, spanProcessors });
  provider.register({ propagator: new W3CTraceContextPropagator(), contextManager: null });
  const global = trace.getTracerProvider();
  if (!(global instanceof ProxyTracerProvider) || global.getDelegate() !== provider) {
    options.logger.warn('a tracer provider was already registered: intelroute spans go to it');
    void provider.shutdown();
    return undefined;
  }
  const recorded = exporter !== undefined || !defaultSampler(process.env) || !propagatesW3cAlone();
  setSpansExported(recorded);
  if (recorded) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      try {
        await provider.shutdown();
      } finally {
        setSpansExported(true);
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

/**
 * Whether the SDK samples as a context-only scope flags its spans (root sampled, child as its
 * parent): then skipping the SDK changes no traceparent. The SDK reads the sampler from
 * process.env itself.
 */
function defaultSampler(env: NodeJS.ProcessEnv): boolean {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() ?? '';
  return sampler === '' || sampler === 'parentbased_always_on';
}

/**
 * Whether the global propagator writes the W3C trace context and nothing else, as a context-only
 * scope writes its headers itself (another propagator registered first keeps its place).
 */
function propagatesW3cAlone(): boolean {
  const fields = propagation.fields();
  return fields.length === 2 && fields.includes('traceparent') && fields.includes('tracestate');
}

function plannedExporter(plan: TracingPlan): SpanExporter | undefined {
  if (plan.export.kind === 'none') return undefined;
  return plan.export.protocol === 'grpc' ? new OtlpGrpcExporter() : new OtlpHttpExporter();
}
