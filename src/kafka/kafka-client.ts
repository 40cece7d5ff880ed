import { Kafka } from 'kafkajs';
import type { Logger } from '../telemetry/logger';
import { kafkajsLevelFor, kafkajsLogCreator } from './kafkajs-log-bridge';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly logger: Logger;
  /** kafkajs's own retry of a request on a retriable error (defaults below). */
  readonly retries?: number;
}

/** The one place a kafkajs client is built: our logger, our timeouts, bounded retries. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logger = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    logLevel: kafkajsLevelFor(logger),
    logCreator: kafkajsLogCreator(logger),
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}
