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
 * Kafka errors a broker answers while the cluster settles: a topic just created has no leader
 * yet, leadership is moving, a group or transaction coordinator is not elected or still
 * loading. Every clean start meets them (`npm start` met six) and every leader move too. They
 * are retriable, and kafkajs refreshes its metadata and retries the request itself; when its
 * retries run out, the operation fails and the caller reports that failure at error. So the
 * line kafkajs writes per failed attempt goes to debug, not warn: it asks nothing of an
 * operator, and at warn a clean start would still greet them with six warnings to learn to
 * ignore. Keyed by Kafka's error name; the value is kafkajs's text for it, which is all its log
 * line carries (`error: <message>`, no code): test/unit/kafka pins each to kafkajs's table.
 */
export const SETTLING_KAFKA_ERRORS: ReadonlyMap<string, string> = new Map([
  ['UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition'],
  [
    'LEADER_NOT_AVAILABLE',
    'There is no leader for this topic-partition as we are in the middle of a leadership election',
  ],
  ['NOT_LEADER_FOR_PARTITION', 'This server is not the leader for that topic-partition'],
  [
    'GROUP_LOAD_IN_PROGRESS',
    "The coordinator is loading and hence can't process requests for this group",
  ],
  ['GROUP_COORDINATOR_NOT_AVAILABLE', 'The group coordinator is not available'],
  ['NOT_COORDINATOR_FOR_GROUP', 'This is not the correct coordinator for this group'],
]);

const SETTLING_MESSAGES: ReadonlySet<unknown> = new Set(SETTLING_KAFKA_ERRORS.values());

/**
 * Routes kafkajs's own log lines into our pino logger (field `logger: "kafkajs"`), so they are
 * structured JSON like every other line. kafkajs's INFO lines (a consumer starting, stopping,
 * joining its group) are lifecycle chatter that would drown a command's output, and its
 * per-attempt lines for a cluster still settling (SETTLING_KAFKA_ERRORS) are retried by kafkajs
 * itself: both go to debug. Its other warnings and errors keep their level.
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      if (message === EXPECTED_RETRY_WARNING) return;
      const child = { logger: 'kafkajs', ...fields };
      switch (level) {
        case KafkaLogLevel.ERROR:
          if (isSettlingResponse(message, fields)) logger.debug(child, message);
          else logger.error(child, message);
          break;
        case KafkaLogLevel.WARN:
          logger.warn(child, message);
          break;
        default:
          logger.debug(child, message);
      }
    };
}

/**
 * kafkajs's connection logs `Response <Api>(key: …, version: …)` with the broker's `error` when
 * a response carries an error code, then throws it to the retrier of the request.
 */
function isSettlingResponse(message: string, fields: Record<string, unknown>): boolean {
  return message.startsWith('Response ') && SETTLING_MESSAGES.has(fields.error);
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
