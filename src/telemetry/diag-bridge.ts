import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Logger } from './logger';

/**
 * Routes the SDK's own diagnostics (an exporter that cannot reach the collector, a bad
 * OTEL_* value) to the process logger, one JSON line each, at warn and above.
 */
export function bridgeDiagnostics(logger: Logger): () => void {
  const otel = logger.child({ component: 'opentelemetry' });
  const line =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, ...args: unknown[]): void => {
      otel[level]({ details: args.map((arg) => describe(arg)) }, message);
    };
  const bridge: DiagLogger = {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    verbose: line('debug'),
  };
  diag.setLogger(bridge, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return () => diag.disable();
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
