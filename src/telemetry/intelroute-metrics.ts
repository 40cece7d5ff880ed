import {
  createNoopMeter,
  type Meter,
  type ObservableGauge,
  type ObservableResult,
} from '@opentelemetry/api';
import { countryLabel, messageTypeLabel, nameLabel, reasonLabel } from './metric-labels';
import { METRIC, PRODUCE_DURATION_BUCKETS_MS } from './metric-names';
import { reportSwallowed, safely } from './never-throw';

/** Labels of a message counter. */
export interface MessageLabels {
  readonly messageType?: string;
  readonly originCountry?: string;
}

/** The lag of one consumer group on one topic (records not yet read). */
export interface ConsumerLagSample {
  readonly group: string;
  readonly topic: string;
  readonly lag: number;
}

/** Typed call sites for every intelroute instrument. No method ever throws. */
export interface IntelrouteMetrics {
  messageReceived(labels: MessageLabels): void;
  messageAccepted(labels: MessageLabels): void;
  messageRefused(labels: MessageLabels & { readonly reason: string }): void;
  /** One Kafka transaction's duration; `outcome`: ok | error | timeout. */
  produceDuration(ms: number, labels: ProduceLabels): void;
  /** A reader finished a record: delivered | dead-lettered | duplicate. */
  readerMessage(labels: { readonly group: string; readonly outcome: ReaderOutcome }): void;
  auditWriteFailed(labels: { readonly component: Component; readonly reason: string }): void;
  /** Reports `read()` as the in-flight gauge at each collection; returns the unregister call. */
  observeInFlight(read: () => number): () => void;
  /** Reports the samples `read()` gives at each collection; returns the unregister call. */
  observeConsumerLag(read: () => LagReading): () => void;
  /** The gateway closed a connection before any call on it (a limit, the watchdog, TLS). */
  connectionClosed(labels: { readonly reason: ConnectionCloseReason }): void;
  /** Reports open connections, sessions and descriptors at each collection. */
  observeConnections(read: () => ConnectionCounts): () => void;
}

export type ConnectionCloseReason =
  | 'gateway-full'
  | 'address-full'
  | 'identity-full'
  | 'settings-unacknowledged'
  | 'stuck-closing'
  | 'tls-handshake';

/** What the connections gauge reports; `descriptors` is absent where the OS does not say. */
export interface ConnectionCounts {
  readonly connections: number;
  readonly sessions: number;
  readonly descriptors?: number;
}

export type Component = 'gateway' | 'reader';
export type ReaderOutcome = 'delivered' | 'dead-lettered' | 'duplicate';
export type ProduceLabels = {
  readonly component: Component;
  readonly outcome: 'ok' | 'error' | 'timeout';
};
export type LagReading = Iterable<ConsumerLagSample> | Promise<Iterable<ConsumerLagSample>>;

/**
 * Creates the instruments on `meter` (the one `startTelemetry` returns them from). Library code
 * receives the result as a dependency; without telemetry use {@link noopIntelrouteMetrics}.
 */
export function createIntelrouteMetrics(meter: Meter): IntelrouteMetrics {
  const i = createInstruments(meter);
  const guard = (work: () => void) => safely('recording a metric', work, () => undefined);
  return {
    messageReceived: (l) => guard(() => i.received.add(1, messageAttributes(l))),
    messageAccepted: (l) => guard(() => i.accepted.add(1, messageAttributes(l))),
    messageRefused: (l) =>
      guard(() => i.refused.add(1, { ...messageAttributes(l), reason: reasonLabel(l.reason) })),
    produceDuration: (ms, l) =>
      guard(() =>
        i.produce.record(Math.max(0, ms), { component: l.component, outcome: l.outcome }),
      ),
    readerMessage: (l) =>
      guard(() =>
        i.readerMessages.add(1, { consumer_group: nameLabel(l.group), outcome: l.outcome }),
      ),
    auditWriteFailed: (l) =>
      guard(() =>
        i.auditFailures.add(1, { component: l.component, reason: reasonLabel(l.reason) }),
      ),
    observeInFlight: (read) => observe(i.inFlight, (result) => result.observe(read())),
    observeConsumerLag: (read) => observe(i.lag, (result) => observeLag(result, read)),
    connectionClosed: (l) => guard(() => i.connectionsClosed.add(1, { reason: l.reason })),
    observeConnections: (read) =>
      observe(i.connectionsOpen, (result) => {
        const counts = read();
        result.observe(counts.connections, { kind: 'connections' });
        result.observe(counts.sessions, { kind: 'sessions' });
        if (counts.descriptors !== undefined) {
          result.observe(counts.descriptors, { kind: 'descriptors' });
        }
      }),
  };
}

/** The OpenTelemetry instruments, with their names, units and descriptions (metric-names.ts). */
function createInstruments(meter: Meter) {
  const counter = (name: string, description: string, unit = '{message}') =>
    meter.createCounter(name, { description, unit });
  const gauge = (name: string, description: string) =>
    meter.createObservableGauge(name, { description, unit: '{message}' });
  return {
    received: counter(METRIC.messagesReceived, 'Messages the gateway was handed'),
    accepted: counter(METRIC.messagesAccepted, 'Messages acknowledged after the Kafka commit'),
    refused: counter(METRIC.messagesRefused, 'Messages refused, by reason'),
    readerMessages: counter(METRIC.readerMessages, 'Records a reader finished'),
    auditFailures: counter(
      METRIC.auditWriteFailures,
      'Audit records that could not be written',
      '{record}',
    ),
    produce: meter.createHistogram(METRIC.produceDuration, {
      description: 'Duration of one Kafka transaction, from write to commit',
      unit: 'ms',
      advice: { explicitBucketBoundaries: [...PRODUCE_DURATION_BUCKETS_MS] },
    }),
    inFlight: gauge(METRIC.messagesInFlight, 'Messages being processed by the gateway'),
    connectionsClosed: counter(
      METRIC.connectionsClosed,
      'Connections closed before any call: limits, dead sessions, failed TLS handshakes',
      '{connection}',
    ),
    connectionsOpen: meter.createObservableGauge(METRIC.connectionsOpen, {
      description: 'Open connections, HTTP/2 sessions and file descriptors of the gateway',
      unit: '{item}',
    }),
    lag: gauge(METRIC.consumerLag, 'Records behind the end of the log, per group and topic'),
  };
}

/** Instruments that record nothing (tests, commands that start no telemetry). */
export function noopIntelrouteMetrics(): IntelrouteMetrics {
  return createIntelrouteMetrics(createNoopMeter());
}

function messageAttributes(labels: MessageLabels): Record<string, string> {
  return {
    message_type: messageTypeLabel(labels.messageType),
    origin_country: countryLabel(labels.originCountry),
  };
}

/** Adds a callback that can neither throw into the SDK nor be added twice by mistake. */
function observe(
  gauge: ObservableGauge,
  report: (result: ObservableResult) => void | Promise<void>,
): () => void {
  const callback = async (result: ObservableResult): Promise<void> => {
    try {
      await report(result);
    } catch (error) {
      reportSwallowed('observing a gauge', error);
    }
  };
  safely(
    'adding a gauge callback',
    () => gauge.addCallback(callback),
    () => undefined,
  );
  return () =>
    safely(
      'removing a gauge callback',
      () => gauge.removeCallback(callback),
      () => undefined,
    );
}

async function observeLag(result: ObservableResult, read: () => LagReading): Promise<void> {
  for (const sample of await read()) {
    if (!Number.isFinite(sample.lag)) continue;
    result.observe(Math.max(0, sample.lag), {
      consumer_group: nameLabel(sample.group),
      topic: nameLabel(sample.topic),
    });
  }
}
