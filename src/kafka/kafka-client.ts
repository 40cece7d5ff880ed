import { Kafka, KafkaJSConnectionError } from 'kafkajs';
import type { KafkaTlsConfig } from '../config';
import { IntelrouteError } from '../core/errors';
import { silentLogger, type Logger } from '../telemetry/logger';
import { kafkajsLevelFor, kafkajsLogCreator } from './kafkajs-log-bridge';
import { kafkaTlsOptions } from './kafka-tls';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly logger: Logger;
  /** kafkajs's own retry of a request on a retriable error (defaults below). */
  readonly retries?: number;
  /** TLS to the brokers (config `kafka.tls`); absent or all null: plaintext. */
  readonly tls?: KafkaTlsConfig;
}

/**
 * The one place a kafkajs client is built: our logger, our timeouts, bounded retries, TLS.
 * @throws IntelrouteError CONFIG_INVALID for unusable TLS settings (see kafkaTlsOptions).
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logger = options.logger.child({ component: 'kafka' });
  const ssl = kafkaTlsOptions(options.tls);
  return new Kafka({
    clientId: options.clientId,
    ...(ssl === undefined ? {} : { ssl }),
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    logLevel: kafkajsLevelFor(logger),
    logCreator: kafkajsLogCreator(logger),
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}

/**
 * Connects to the cluster once and disconnects: a start-up check that a broker answers, made
 * before anything slow starts. kafkajs would log two error lines per failed attempt (12 for its
 * 5 retries, stacks included); they are silenced here because the caller reports the outcome
 * once. Takes the client's retries, about 3.5 s by default, when nothing answers.
 * @throws IntelrouteError KAFKA_UNAVAILABLE naming the brokers tried and why the last attempt
 *   failed (also as details `{ brokers, reason, seconds }`), when no TCP (or TLS) connection
 *   could be made; what kafkajs throws otherwise
 *   (a broker that answers but refuses us: TLS verification, an unsupported protocol)
 */
export async function checkBrokersReachable(
  options: Omit<KafkaClientOptions, 'logger'>,
): Promise<void> {
  const admin = createKafkaClient({ ...options, logger: silentLogger() }).admin();
  const started = Date.now();
  try {
    await admin.connect();
  } catch (error) {
    const connection = connectionErrorIn(error);
    if (connection === undefined) throw error;
    const details = {
      brokers: options.brokers.join(','),
      reason: connection.message,
      seconds: ((Date.now() - started) / 1000).toFixed(1),
    };
    throw new IntelrouteError(
      'KAFKA_UNAVAILABLE',
      `cannot connect to Kafka at ${details.brokers}: ${details.reason}, gave up after ${details.seconds} s`,
      { cause: error, details },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The connection failure an error of kafkajs wraps (its retrier wraps the last one), if any. */
function connectionErrorIn(error: unknown): Error | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof KafkaJSConnectionError) return current;
  }
  return undefined;
}
