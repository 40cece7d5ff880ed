import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';

export type { Logger } from 'pino';

/**
 * The process logger: one JSON line per event on stderr (stdout is kept for command output such
 * as `KAFKA_BROKERS=…`). Components take `logger.child({ component })`. Never log a payload or a
 * secret: the redaction list is a last line of defence, not a licence.
 */
export function createLogger(level: LogLevel, destination: number = 2): Logger {
  return pino(
    {
      level,
      base: { service: 'intelroute' },
      redact: {
        paths: ['payload', '*.payload', 'privateKey', '*.privateKey', 'key', 'password'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: destination, sync: true }),
  );
}

/** A logger that drops everything (tests and library callers that pass none). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
