import { startTestKafka, type TestKafka } from './test-kafka';

declare global {
  var intelrouteTestKafka: TestKafka | undefined;
}

/**
 * Starts one broker for the whole integration run (unless KAFKA_BROKERS names one) and passes
 * its address to the test workers through KAFKA_BROKERS, which they inherit.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const kafka = await startTestKafka(process.env);
  globalThis.intelrouteTestKafka = kafka;
  process.env.KAFKA_BROKERS = kafka.brokers.join(',');
  process.env.INTELROUTE_TEST_KAFKA_KIND = kafka.kind;
  // Processes the tests start (gateways, readers) must not compete for the default metrics port.
  process.env.INTELROUTE_METRICS_PORT ??= '0';
  // Nor for the ops console's port (`start` serves one).
  process.env.INTELROUTE_CONSOLE_PORT ??= '0';
  process.stderr.write(
    `\n[integration] Kafka (${kafka.kind}) at ${process.env.KAFKA_BROKERS}, ready in ${Date.now() - started} ms\n`,
  );
}
