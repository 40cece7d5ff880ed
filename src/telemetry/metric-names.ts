/**
 * Instrument names (OpenTelemetry). Prometheus shows dots as underscores and counters with a
 * `_total` suffix (`intelroute_gateway_messages_received_total`); the histogram keeps its name
 * (`intelroute_kafka_produce_duration_bucket`) with `# UNIT ... ms`. docs/telemetry.md lists them.
 */
export const METRIC = {
  /** Counter {message_type, origin_country}: messages the gateway was handed. */
  messagesReceived: 'intelroute.gateway.messages.received',
  /** Counter {message_type, origin_country}: messages acknowledged (durably in Kafka). */
  messagesAccepted: 'intelroute.gateway.messages.accepted',
  /** Counter {message_type, origin_country, reason}: messages refused, by ReasonCode. */
  messagesRefused: 'intelroute.gateway.messages.refused',
  /** Gauge: messages being processed by the gateway now (observed through a callback). */
  messagesInFlight: 'intelroute.gateway.messages.in_flight',
  /** Histogram (ms) {component, outcome}: one Kafka transaction, from write to commit. */
  produceDuration: 'intelroute.kafka.produce.duration',
  /** Counter {consumer_group, outcome}: records a reader finished (delivered, dead-lettered, duplicate). */
  readerMessages: 'intelroute.reader.messages.processed',
  /** Gauge {consumer_group, topic}: records behind the end of the log (observed through a callback). */
  consumerLag: 'intelroute.consumer.lag',
  /** Counter {component, reason}: audit records that could not be written. */
  auditWriteFailures: 'intelroute.audit.write.failures',
  /**
   * Counter {reason}: connections the gateway closed before any call: gateway-full,
   * address-full, identity-full (limits), settings-unacknowledged, stuck-closing (reclaimed
   * by the session watchdog), tls-handshake (failed or timed out; connections a limit closed
   * before their handshake count here too).
   */
  connectionsClosed: 'intelroute.gateway.connections.closed',
  /** Gauge {kind}: open connections, HTTP/2 sessions and file descriptors of the process. */
  connectionsOpen: 'intelroute.gateway.connections.open',
} as const;

/**
 * Produce latency buckets (ms): dense from 1 ms to 1 s where acks=all transactions land, then a
 * few wider ones up to the default 10 s publish deadline, so slow brokers are visible too.
 */
export const PRODUCE_DURATION_BUCKETS_MS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 750, 1000, 2500, 5000, 10000,
];
