import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config';
import { activeSpanFields } from './log-trace-fields';

export type { Logger } from 'pino';

/**
 * Keys whose values never reach a log line, at the top level or one level down. A last line of
 * defence, not a licence: payloads and secrets are never passed to a logger in the first place.
 */
export const REDACTED_PATHS: readonly string[] = [
  'payload',
  '*.payload',
  'privateKey',
  '*.privateKey',
  'key',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
];

/**
 * The process logger: one JSON line per event on stderr (stdout is kept for command output such
 * as `KAFKA_BROKERS=…`), with the level's name, an ISO timestamp, and — for a line written while
 * a span is active — its `traceId` and `spanId` (fields passed in the call win, so code that
 * already logs a `traceId` keeps its own). Components take `logger.child({ component })`.
 * `destination` is a file descriptor (default 2, stderr) or a stream (tests).
 */
export function createLogger(level: LogLevel, destination: number | DestinationStream = 2): Logger {
  return pino(
    {
      level,
      base: { service: 'intelroute' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: activeSpanFields,
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    typeof destination === 'number'
      ? pino.destination({ dest: destination, sync: true })
      : destination,
  );
}

/** A logger that drops everything (tests and library callers that pass none). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
