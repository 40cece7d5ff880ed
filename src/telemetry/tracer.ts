import { trace, type Tracer } from '@opentelemetry/api';

/** The instrumentation scope of every intelroute span. */
export const INSTRUMENTATION_SCOPE = 'intelroute';

/**
 * The intelroute tracer. Looked up per call rather than cached, so that a provider registered
 * later (or again, in tests) is used: the lookup is a map hit in the SDK, and with no SDK the
 * API answers with its no-op tracer.
 */
export function intelrouteTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

let spansExported = true;

/**
 * Tells span scopes whether any span they record goes anywhere. With the SDK installed but no
 * exporter (no OTLP endpoint), recording spans only burns CPU: scopes then carry the trace
 * context alone (ids and the sampled flag), as they do with no SDK at all.
 */
export function setSpansExported(exported: boolean): void {
  spansExported = exported;
}

export function areSpansExported(): boolean {
  return spansExported;
}
