import os from 'node:os';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { TelemetryConfig } from '../config';
import { bridgeDiagnostics } from './diag-bridge';
import { startHealthServer, type HealthServer, type ReadinessCheck } from './health-server';
import { noopIntelrouteMetrics, type IntelrouteMetrics } from './intelroute-metrics';
import type { Logger } from './logger';
import { startMetrics, type MetricsHandle } from './metrics-setup';
import { reportSwallowed } from './never-throw';
import { telemetryResource } from './telemetry-resource';
import { planTracing } from './tracing-plan';
import { startTracing, type TracingHandle } from './tracing-setup';

export interface StartTelemetryOptions {
  /** The process's role: `intelroute-gateway`, `intelroute-reader`, ... (config and OTEL_SERVICE_NAME win). */
  readonly serviceName: string;
  /** `service.instance.id`: the gateway's or reader's instance id. Default: `<hostname>-<pid>`. */
  readonly instanceId?: string;
  readonly config: TelemetryConfig;
  readonly logger: Logger;
  /** The environment the OTEL_* decisions are read from (the composition root passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Tests: spans go here (e.g. an InMemorySpanExporter) instead of OTLP, even with no endpoint. */
  readonly spanExporter?: SpanExporter;
  /** The readiness check behind /readyz (also settable later with `setReadiness`). */
  readonly ready?: ReadinessCheck;
}

/** What `startTelemetry` started. */
export interface Telemetry {
  /** The instruments: hand them to the gateway and readers as a dependency. */
  readonly metrics: IntelrouteMetrics;
  /** Where /metrics, /healthz and /readyz listen; null when `metricsPort` is null. */
  readonly metricsPort: number | null;
  /** True when an SDK tracer provider is installed (false: the API's no-op tracer). */
  readonly tracing: boolean;
  /** Replaces the readiness check (until one is set, /readyz answers 503). */
  setReadiness(check: ReadinessCheck): void;
  /** Exports the spans ended so far (tests, and before a command exits). */
  forceFlush(): Promise<void>;
  /**
   * Stops the HTTP server, flushes and shuts down traces then metrics (bounded by
   * `shutdownTimeoutMs`), unregisters the API globals. Idempotent; never rejects. Call it last.
   */
  shutdown(): Promise<void>;
}

/**
 * Wires the OpenTelemetry SDK once, at process start (the composition root's first step):
 * tracing (W3C propagation; OTLP export only when OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT is set),
 * metrics (Prometheus), and the /metrics, /healthz, /readyz server.
 * @throws IntelrouteError CONFIG_INVALID when the metrics address cannot be bound (nothing is
 * left installed then).
 */
export async function startTelemetry(options: StartTelemetryOptions): Promise<Telemetry> {
  const { config } = options;
  const logger = options.logger.child({ component: 'telemetry' });
  const undoDiagnostics = bridgeDiagnostics(logger);
  const plan = planTracing(options.env);
  for (const warning of plan.warnings) logger.warn(warning);
  const resource = telemetryResource({
    serviceName: config.serviceName ?? options.serviceName,
    instanceId: options.instanceId ?? `${os.hostname()}-${process.pid}`,
  });
  // The host detector resolves some attributes asynchronously; exporters reading them earlier
  // log a diagnostic error, so start only once they are in.
  await resource.waitForAsyncAttributes?.().catch(() => undefined);
  const tracing = startTracing({ resource, plan, logger, ...exporterOf(options) });
  const metrics = plan.enabled ? startMetrics(resource) : undefined;
  let readiness: ReadinessCheck = options.ready ?? (() => false);
  let server: HealthServer | undefined;
  const stopSdk = stopper(tracing, metrics, undoDiagnostics, config.shutdownTimeoutMs, logger);
  try {
    server = await startServer(config, () => readiness, metrics);
  } catch (error) {
    await stopSdk();
    throw error;
  }
  logger.info(
    { tracing: tracing !== undefined, export: plan.export, metricsPort: server?.port ?? null },
    'telemetry started',
  );
  let stopping: Promise<void> | undefined;
  return {
    metrics: metrics?.instruments ?? noopIntelrouteMetrics(),
    metricsPort: server?.port ?? null,
    tracing: tracing !== undefined,
    setReadiness: (check) => (readiness = check),
    forceFlush: () => tracing?.forceFlush().catch(swallow('flushing spans')) ?? Promise.resolve(),
    shutdown: () => (stopping ??= (server?.close() ?? Promise.resolve()).then(stopSdk)),
  };
}

function exporterOf(options: StartTelemetryOptions): { spanExporter?: SpanExporter } {
  return options.spanExporter === undefined ? {} : { spanExporter: options.spanExporter };
}

async function startServer(
  config: TelemetryConfig,
  ready: () => ReadinessCheck,
  metrics: MetricsHandle | undefined,
): Promise<HealthServer | undefined> {
  if (config.metricsPort === null) return undefined;
  return startHealthServer({
    host: config.metricsHost,
    port: config.metricsPort,
    ready,
    ...(metrics === undefined ? {} : { metrics: metrics.serve }),
  });
}

/** Shuts traces down first (their flush may still count metrics), then metrics, then diag. */
function stopper(
  tracing: TracingHandle | undefined,
  metrics: MetricsHandle | undefined,
  undoDiagnostics: () => void,
  timeoutMs: number,
  logger: Logger,
): () => Promise<void> {
  return async () => {
    const flushed = await within(timeoutMs, async () => {
      await tracing?.shutdown().catch(swallow('shutting tracing down'));
      await metrics?.shutdown().catch(swallow('shutting metrics down'));
    });
    if (!flushed) logger.warn({ timeoutMs }, 'telemetry shutdown timed out; spans may be lost');
    undoDiagnostics();
  };
}

/** True when `work` finished within `ms`. */
async function within(ms: number, work: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function swallow(what: string): (error: unknown) => void {
  return (error) => reportSwallowed(what, error);
}
