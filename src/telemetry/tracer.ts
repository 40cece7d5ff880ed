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
