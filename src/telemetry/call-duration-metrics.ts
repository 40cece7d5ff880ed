import type { Attributes, Meter } from '@opentelemetry/api';
import { recordIn } from './instrument-calls';
import {
  METRIC,
  PRODUCE_DURATION_BUCKETS_SECONDS,
  PUBLISH_DURATION_BUCKETS_SECONDS,
  RPC_DURATION_BUCKETS_SECONDS,
} from './metric-names';
import { ATTR, GATEWAY_RPC_SERVICE } from './semantic-attributes';

/** The gateway's gRPC methods (`rpc.method`). */
export type GatewayMethod = 'Publish' | 'PublishStream' | 'Subscribe';
/** The methods that publish messages. */
export type PublishMethod = Exclude<GatewayMethod, 'Subscribe'>;
/** How one published message ended: acknowledged, or refused (with any gRPC status). */
export type PublishOutcomeLabel = 'ack' | 'refused';
export type Component = 'gateway' | 'reader';
export type ProduceLabels = {
  readonly component: Component;
  readonly outcome: 'ok' | 'error' | 'timeout';
};

/** Durations: gRPC calls, publish→result, Kafka transactions. Every value is in seconds. */
export interface CallDurationMetrics {
  /**
   * A gateway call ended (rpc.server.call.duration): `seconds` from its handler's start to its
   * status — for PublishStream and Subscribe the whole stream. Codes outside 0–16 count as 2.
   */
  rpcCallEnded(method: GatewayMethod, statusCode: number, seconds: number): void;
  /** One message, from its request to its result (intelroute.publish.duration). */
  publishDuration(method: PublishMethod, outcome: PublishOutcomeLabel, seconds: number): void;
  /**
   * One Kafka transaction's duration, in milliseconds as the writers measure it, recorded in
   * seconds as messaging.client.operation.duration; `outcome`: ok | error | timeout.
   */
  produceDuration(ms: number, labels: ProduceLabels): void;
}

const STATUS_CODES = 17; // OK (0) … UNAUTHENTICATED (16)
const UNKNOWN = 2;

/** The duration histograms on `meter`, each label combination's attributes built up front. */
export function createCallDurationMetrics(meter: Meter): CallDurationMetrics {
  const seconds = (name: string, description: string, buckets: readonly number[]) =>
    meter.createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: [...buckets] },
    });
  const rpc = seconds(
    METRIC.rpcServerCallDuration,
    'Duration of a gRPC call of the gateway, from its handler to its status (streams: the whole call)',
    RPC_DURATION_BUCKETS_SECONDS,
  );
  const publish = seconds(
    METRIC.publishDuration,
    'Duration of one published message, from its request to its ack or refusal',
    PUBLISH_DURATION_BUCKETS_SECONDS,
  );
  const produce = seconds(
    METRIC.messagingOperationDuration,
    'Duration of one Kafka transaction, from write to commit',
    PRODUCE_DURATION_BUCKETS_SECONDS,
  );
  const rpcAttributes = rpcAttributeTable();
  const publishAttributes = publishAttributeTable();
  const produceAttributes = produceAttributeTable();
  return {
    rpcCallEnded: (method, statusCode, s) => {
      const code = Number.isInteger(statusCode) && statusCode >= 0 ? statusCode : UNKNOWN;
      const row = rpcAttributes[method];
      recordIn(rpc, s, row[code] ?? (row[UNKNOWN] as Attributes));
    },
    publishDuration: (method, outcome, s) =>
      recordIn(publish, s, publishAttributes[method][outcome]),
    produceDuration: (ms, labels) =>
      recordIn(produce, ms / 1000, produceAttributes[labels.component][labels.outcome]),
  };
}

function rpcAttributeTable(): Record<GatewayMethod, readonly Attributes[]> {
  const row = (method: GatewayMethod) =>
    Array.from({ length: STATUS_CODES }, (_, code) =>
      Object.freeze({
        [ATTR.rpcSystem]: 'grpc',
        [ATTR.rpcService]: GATEWAY_RPC_SERVICE,
        [ATTR.rpcMethod]: method,
        [ATTR.rpcGrpcStatusCode]: code,
      }),
    );
  return {
    Publish: row('Publish'),
    PublishStream: row('PublishStream'),
    Subscribe: row('Subscribe'),
  };
}

function publishAttributeTable(): Record<PublishMethod, Record<PublishOutcomeLabel, Attributes>> {
  const row = (method: PublishMethod) => ({
    ack: Object.freeze({ [ATTR.rpcMethod]: method, outcome: 'ack' }),
    refused: Object.freeze({ [ATTR.rpcMethod]: method, outcome: 'refused' }),
  });
  return { Publish: row('Publish'), PublishStream: row('PublishStream') };
}

/** messaging.* attributes of the semantic conventions, plus intelroute's component and outcome. */
function produceAttributeTable(): Record<Component, Record<ProduceLabels['outcome'], Attributes>> {
  const attributes = (component: Component, outcome: ProduceLabels['outcome']) =>
    Object.freeze({
      [ATTR.messagingSystem]: 'kafka',
      [ATTR.messagingOperationName]: 'send',
      [ATTR.messagingOperationType]: 'send',
      component,
      outcome,
      ...(outcome === 'ok'
        ? {}
        : { [ATTR.errorType]: outcome === 'timeout' ? 'timeout' : '_OTHER' }),
    });
  const row = (component: Component) => ({
    ok: attributes(component, 'ok'),
    error: attributes(component, 'error'),
    timeout: attributes(component, 'timeout'),
  });
  return { gateway: row('gateway'), reader: row('reader') };
}

/** Seconds since `startedMs`, a `performance.now()` reading (monotonic, sub-millisecond). */
export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
