import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../telemetry/logger';

/**
 * kafkajs warns whenever an idempotent producer has bounded retries. Ours are bounded on
 * purpose (a call must fail within its deadline), and after any failure the transactional
 * writer replaces the producer with a new epoch, which is what keeps sequences valid.
 */
const EXPECTED_RETRY_WARNING =
  'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * Routes kafkajs's own log lines into our pino logger (field `logger: "kafkajs"`), so they are
 * structured JSON like every other line. kafkajs's INFO lines (a consumer starting, stopping,
 * joining its group) are lifecycle chatter that would drown a command's output: they go to
 * debug; its warnings and errors keep their level.
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      if (message === EXPECTED_RETRY_WARNING) return;
      const child = { logger: 'kafkajs', ...fields };
      switch (level) {
        case KafkaLogLevel.ERROR:
          logger.error(child, message);
          break;
        case KafkaLogLevel.WARN:
          logger.warn(child, message);
          break;
        default:
          logger.debug(child, message);
      }
    };
}

/** kafkajs's level for a pino level, so kafkajs does not even format lines we would drop. */
export function kafkajsLevelFor(logger: Logger): KafkaLogLevel {
  switch (logger.level) {
    case 'silent':
      return KafkaLogLevel.NOTHING;
    case 'fatal':
    case 'error':
      return KafkaLogLevel.ERROR;
    case 'warn':
    case 'info':
      return KafkaLogLevel.WARN;
    default:
      return KafkaLogLevel.DEBUG;
  }
}
