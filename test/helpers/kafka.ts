import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createKafkaClient } from '../../src/kafka/kafka-client';
import { silentLogger } from '../../src/telemetry/logger';

/** The brokers global setup started (or KAFKA_BROKERS named). */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run through the integration project');
  return brokers.split(',');
}

/** A kafkajs client on the test brokers, quiet unless INTELROUTE_TEST_LOG_LEVEL says otherwise. */
export function testKafkaClient(brokers: readonly string[] = testBrokers()): Kafka {
  return createKafkaClient({ brokers, clientId: 'intelroute-test', logger: silentLogger() });
}

/** A name no other test uses: every test gets fresh topics and groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}
