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
 * Routes kafkajs's own log lines into our pino logger (component "kafkajs"), so they are
 * structured JSON like every other line, at the matching level.
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      if (message === EXPECTED_RETRY_WARNING) return;
      const child = { component: 'kafkajs', ...fields };
      switch (level) {
        case KafkaLogLevel.ERROR:
          logger.error(child, message);
          break;
        case KafkaLogLevel.WARN:
          logger.warn(child, message);
          break;
        case KafkaLogLevel.INFO:
          logger.info(child, message);
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
      return KafkaLogLevel.WARN;
    case 'info':
      return KafkaLogLevel.INFO;
    default:
      return KafkaLogLevel.DEBUG;
  }
}
