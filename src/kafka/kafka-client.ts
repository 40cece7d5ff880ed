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
    // A transaction that starts right after a commit meets CONCURRENT_TRANSACTIONS until the
    // broker has written the previous one's markers (a few ms); kafkajs retries it like any
    // retriable error, so a short first backoff (the Java client waits 20 ms here; the markers take ~10 ms on one node) keeps
    // back-to-back transactions fast. Ten doublings (capped at 2 s) still cover ~6.5 s of leader election.
    retry: { retries: options.retries ?? 10, initialRetryTime: 10, maxRetryTime: 2000 },
  });
}
