import { createNoopMeter, metrics, type Meter, type ObservableResult } from '@opentelemetry/api';
import {
  createCallDurationMetrics,
  type CallDurationMetrics,
  type Component,
} from './call-duration-metrics';
import { addTo, observeGauge } from './instrument-calls';
import {
  attributesBy1,
  attributesBy2,
  attributesBy3,
  countryLabel,
  messageTypeLabel,
  nameLabel,
  reasonLabel,
} from './metric-labels';
import { METRIC } from './metric-names';
import { createSubscribeMetrics, type SubscribeMetrics } from './subscribe-metrics';
import { INSTRUMENTATION_SCOPE } from './tracer';

export type {
  Component,
  GatewayMethod,
  ProduceLabels,
  PublishMethod,
  PublishOutcomeLabel,
} from './call-duration-metrics';
export { secondsSince } from './call-duration-metrics';
export type {
  SubscribeResumeReason,
  SubscribeStreamKind,
  SubscribeStreamMetrics,
  SubscriptionSample,
} from './subscribe-metrics';

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

/**
 * Typed call sites for every intelroute instrument. No method ever throws. Recording reuses one
 * attribute object per label combination: nothing is built per message.
 */
export interface IntelrouteMetrics extends CallDurationMetrics, SubscribeMetrics {
  messageReceived(labels: MessageLabels): void;
  messageAccepted(labels: MessageLabels): void;
  messageRefused(labels: MessageLabels & { readonly reason: string }): void;
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

export type ReaderOutcome = 'delivered' | 'dead-lettered' | 'duplicate';
export type LagReading = Iterable<ConsumerLagSample> | Promise<Iterable<ConsumerLagSample>>;

/**
 * Creates the instruments on `meter` (the one `startTelemetry` returns them from). Library code
 * receives the result as a dependency; without telemetry use {@link noopIntelrouteMetrics}.
 */
export function createIntelrouteMetrics(meter: Meter): IntelrouteMetrics {
  const i = createInstruments(meter);
  const messages = attributesBy2((type, country) => ({
    message_type: type,
    origin_country: country,
  }));
  const refusals = attributesBy3((type, country, reason) => ({
    message_type: type,
    origin_country: country,
    reason,
  }));
  const byGroup = attributesBy2((group, outcome) => ({ consumer_group: group, outcome }));
  const byComponent = attributesBy2((component, reason) => ({ component, reason }));
  const byReason = attributesBy1((reason) => ({ reason }));
  const message = (l: MessageLabels) =>
    messages(messageTypeLabel(l.messageType), countryLabel(l.originCountry));
  return {
    ...createCallDurationMetrics(meter),
    ...createSubscribeMetrics(meter),
    messageReceived: (l) => addTo(i.received, message(l)),
    messageAccepted: (l) => addTo(i.accepted, message(l)),
    messageRefused: (l) =>
      addTo(
        i.refused,
        refusals(
          messageTypeLabel(l.messageType),
          countryLabel(l.originCountry),
          reasonLabel(l.reason),
        ),
      ),
    readerMessage: (l) => addTo(i.readerMessages, byGroup(nameLabel(l.group), l.outcome)),
    auditWriteFailed: (l) =>
      addTo(i.auditFailures, byComponent(l.component, reasonLabel(l.reason))),
    observeInFlight: (read) => observeGauge(i.inFlight, (result) => result.observe(read())),
    observeConsumerLag: (read) => observeGauge(i.lag, (result) => observeLag(result, read)),
    connectionClosed: (l) => addTo(i.connectionsClosed, byReason(l.reason)),
    observeConnections: (read) =>
      observeGauge(i.connectionsOpen, (result) => {
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

/**
 * The instruments on the global MeterProvider (the one `startTelemetry` registered; no-op when
 * there is none), for a component its composition root built without a `metrics` dependency.
 * The SDK hands back the same instruments for the same names, so the series are shared with the
 * instruments `startTelemetry` returned. Call it at construction, after telemetry started.
 */
export function globalIntelrouteMetrics(): IntelrouteMetrics {
  return createIntelrouteMetrics(metrics.getMeter(INSTRUMENTATION_SCOPE));
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
