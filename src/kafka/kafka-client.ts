import { Kafka } from 'kafkajs';
import type { KafkaTlsConfig } from '../config';
import type { Logger } from '../telemetry/logger';
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
