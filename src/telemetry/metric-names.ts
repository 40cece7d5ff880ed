/**
 * Instrument names (OpenTelemetry) and how Prometheus shows them. `/metrics` renders names as the
 * OpenTelemetry Prometheus compatibility spec says (prometheus-names.ts): dots become
 * underscores, the unit becomes a suffix (`s` → `_seconds`, `By` → `_bytes`, `1` on a gauge →
 * `_ratio`; `{message}`-style annotations add nothing) and counters end in `_total`. So
 * `rpc.server.call.duration` (s) is `rpc_server_call_duration_seconds_bucket` and
 * `intelroute.gateway.messages.received` is `intelroute_gateway_messages_received_total`.
 * README.md ("Metrics") and docs/telemetry.md list every series; the Grafana dashboard
 * (deploy/grafana) uses these names and a test keeps it from drifting.
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
  /**
   * Histogram (s) {rpc.system, rpc.service, rpc.method, rpc.grpc.status_code}: one gRPC call
   * from its handler's start to its status; a stream's whole life (semantic conventions).
   */
  rpcServerCallDuration: 'rpc.server.call.duration',
  /** Histogram (s) {rpc.method, outcome: ack | refused}: one message, received to its result. */
  publishDuration: 'intelroute.publish.duration',
  /**
   * Histogram (s) {messaging.system, messaging.operation.name, messaging.operation.type,
   * component, outcome, error.type}: one Kafka transaction, from write to commit (semantic
   * conventions; replaces the millisecond `intelroute.kafka.produce.duration`).
   */
  messagingOperationDuration: 'messaging.client.operation.duration',
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
  /** Gauge {stream}: Subscribe calls with an open subscription (observed through a callback). */
  subscriptionsOpen: 'intelroute.subscribe.subscriptions.open',
  /** Counter {stream}: deliveries handed to subscribers (a redelivery counts again). */
  subscribeDeliveries: 'intelroute.subscribe.deliveries',
  /** Gauge {stream}: deliveries waiting for the subscriber's ack (observed through a callback). */
  subscribeUnacked: 'intelroute.subscribe.deliveries.unacked',
  /**
   * Counter {stream, reason}: a subscriber's reading resumed — `resubscribe` (the identity
   * subscribed again on this gateway: it continues after its last ack), `rebalance` (its group
   * rebalanced: unacked deliveries come again), `window` (an ack made room in a full window).
   */
  subscribeResumes: 'intelroute.subscribe.resumes',
  /** Gauge (By): resident set size of the process. */
  processMemoryUsage: 'process.memory.usage',
  /** Counter (s) {cpu.mode: user | system}: CPU time the process used. */
  processCpuTime: 'process.cpu.time',
} as const;

/**
 * What `@opentelemetry/instrumentation-runtime-node` reports (scope
 * `@opentelemetry/instrumentation-runtime-node`), with units: the names the dashboard may use.
 */
export const RUNTIME_METRIC = {
  /** Gauges (s): event-loop delay over the last scrape interval; they include the 10 ms sampling interval. */
  eventLoopDelayMin: 'nodejs.eventloop.delay.min',
  eventLoopDelayMax: 'nodejs.eventloop.delay.max',
  eventLoopDelayMean: 'nodejs.eventloop.delay.mean',
  eventLoopDelayStddev: 'nodejs.eventloop.delay.stddev',
  eventLoopDelayP50: 'nodejs.eventloop.delay.p50',
  eventLoopDelayP90: 'nodejs.eventloop.delay.p90',
  eventLoopDelayP99: 'nodejs.eventloop.delay.p99',
  /** Gauge (1): share of the last scrape interval the event loop was busy. */
  eventLoopUtilization: 'nodejs.eventloop.utilization',
  /** Counter (s) {nodejs.eventloop.state: active | idle}. */
  eventLoopTime: 'nodejs.eventloop.time',
  /** Histogram (s) {v8js.gc.type: major | minor | incremental | weakcb}: one GC pause. */
  gcDuration: 'v8js.gc.duration',
  /** Gauges (By) {v8js.heap.space.name}. */
  heapUsed: 'v8js.memory.heap.used',
  heapSpaceSize: 'v8js.memory.heap.space.size',
  heapSpaceAvailable: 'v8js.memory.heap.space.available_size',
  heapSpacePhysical: 'v8js.memory.heap.space.physical_size',
  /** Gauge {v8js.resource.type}: handles keeping the event loop alive. */
  activeResources: 'v8js.resource.active',
} as const;

/** Instrument kinds, as far as the Prometheus name depends on them. */
export type InstrumentKind = 'counter' | 'gauge' | 'histogram';

/** Every instrument `/metrics` may show, with its unit and kind (dashboard and docs checks). */
export const INSTRUMENTS: ReadonlyArray<{
  readonly name: string;
  readonly unit: string;
  readonly kind: InstrumentKind;
}> = [
  { name: METRIC.messagesReceived, unit: '{message}', kind: 'counter' },
  { name: METRIC.messagesAccepted, unit: '{message}', kind: 'counter' },
  { name: METRIC.messagesRefused, unit: '{message}', kind: 'counter' },
  { name: METRIC.messagesInFlight, unit: '{message}', kind: 'gauge' },
  { name: METRIC.rpcServerCallDuration, unit: 's', kind: 'histogram' },
  { name: METRIC.publishDuration, unit: 's', kind: 'histogram' },
  { name: METRIC.messagingOperationDuration, unit: 's', kind: 'histogram' },
  { name: METRIC.readerMessages, unit: '{message}', kind: 'counter' },
  { name: METRIC.consumerLag, unit: '{message}', kind: 'gauge' },
  { name: METRIC.auditWriteFailures, unit: '{record}', kind: 'counter' },
  { name: METRIC.connectionsClosed, unit: '{connection}', kind: 'counter' },
  { name: METRIC.connectionsOpen, unit: '{item}', kind: 'gauge' },
  { name: METRIC.subscriptionsOpen, unit: '{subscription}', kind: 'gauge' },
  { name: METRIC.subscribeDeliveries, unit: '{delivery}', kind: 'counter' },
  { name: METRIC.subscribeUnacked, unit: '{delivery}', kind: 'gauge' },
  { name: METRIC.subscribeResumes, unit: '{resume}', kind: 'counter' },
  { name: METRIC.processMemoryUsage, unit: 'By', kind: 'gauge' },
  { name: METRIC.processCpuTime, unit: 's', kind: 'counter' },
  ...[
    RUNTIME_METRIC.eventLoopDelayMin,
    RUNTIME_METRIC.eventLoopDelayMax,
    RUNTIME_METRIC.eventLoopDelayMean,
    RUNTIME_METRIC.eventLoopDelayStddev,
    RUNTIME_METRIC.eventLoopDelayP50,
    RUNTIME_METRIC.eventLoopDelayP90,
    RUNTIME_METRIC.eventLoopDelayP99,
  ].map((name) => ({ name, unit: 's', kind: 'gauge' as const })),
  { name: RUNTIME_METRIC.eventLoopUtilization, unit: '1', kind: 'gauge' },
  { name: RUNTIME_METRIC.eventLoopTime, unit: 's', kind: 'counter' },
  { name: RUNTIME_METRIC.gcDuration, unit: 's', kind: 'histogram' },
  { name: RUNTIME_METRIC.heapUsed, unit: 'By', kind: 'gauge' },
  { name: RUNTIME_METRIC.heapSpaceSize, unit: 'By', kind: 'gauge' },
  { name: RUNTIME_METRIC.heapSpaceAvailable, unit: 'By', kind: 'gauge' },
  { name: RUNTIME_METRIC.heapSpacePhysical, unit: 'By', kind: 'gauge' },
  { name: RUNTIME_METRIC.activeResources, unit: '{resource}', kind: 'gauge' },
];

/**
 * Kafka transaction latency buckets (ms): dense from 1 ms to 1 s where acks=all transactions
 * land, then a few wider ones up to the default 10 s publish deadline, so slow brokers are
 * visible too. The histogram records seconds: {@link PRODUCE_DURATION_BUCKETS_SECONDS}.
 */
export const PRODUCE_DURATION_BUCKETS_MS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 750, 1000, 2500, 5000, 10000,
];

/** {@link PRODUCE_DURATION_BUCKETS_MS} in seconds, the unit of messaging.client.operation.duration. */
export const PRODUCE_DURATION_BUCKETS_SECONDS: readonly number[] = PRODUCE_DURATION_BUCKETS_MS.map(
  (ms) => ms / 1000,
);

/**
 * Publish→result buckets (s): from 1 ms (the gateway's p99 target is 10 ms) to the 10 s default
 * publish deadline.
 */
export const PUBLISH_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10,
];

/**
 * gRPC call buckets (s): the publish buckets for unary calls, then minutes to an hour for the
 * whole life of a PublishStream or Subscribe call.
 */
export const RPC_DURATION_BUCKETS_SECONDS: readonly number[] = [
  ...PUBLISH_DURATION_BUCKETS_SECONDS,
  30,
  60,
  300,
  900,
  3600,
];

/** GC pause buckets (s): minor collections take well under 5 ms, the library's first bucket. */
export const GC_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];
