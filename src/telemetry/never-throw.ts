import { diag } from '@opentelemetry/api';

/**
 * Runs `work` and returns its result; if it throws, the error is reported to the OpenTelemetry
 * diagnostic logger (wired to pino by `startTelemetry`) and `fallback()` is returned instead.
 * Telemetry must never break the application: every exported helper of this folder that touches
 * the SDK goes through here.
 */
export function safely<T>(what: string, work: () => T, fallback: () => T): T {
  try {
    return work();
  } catch (error) {
    reportSwallowed(what, error);
    return fallback();
  }
}

/** Reports an error telemetry swallowed; itself never throws. */
export function reportSwallowed(what: string, error: unknown): void {
  try {
    diag.warn(`intelroute telemetry: ${what} failed: ${describe(error)}`);
  } catch {
    // Nothing left to tell: a broken diagnostic logger must not break the caller either.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
