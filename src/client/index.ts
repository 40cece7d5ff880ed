/**
 * The intelroute client SDK: what a national system embeds to publish to the gateway over
 * mutual TLS. It knows gRPC and the contract (src/contract/generated, src/contract), nothing of Kafka.
 *
 * ```ts
 * const gateway = createGatewayClient({
 *   address: 'gateway.example:50051',
 *   tls: { caFile: 'ca.crt', certFile: 'ncb.FR.crt', keyFile: 'ncb.FR.key' },
 * });
 * const ack = await gateway.publish(envelope, { deadlineMs: 10_000 });
 * const stream = gateway.openPublishStream({ maxInFlight: 64 });
 * for (const envelope of envelopes) {
 *   await stream.ready(); // backpressure: never more than maxInFlight unacknowledged
 *   stream.send(envelope).then(onAck, onRefused);
 * }
 * await stream.end();
 * gateway.close();
 * ```
 */
export {
  CLIENT_CHANNEL_OPTIONS,
  DEFAULT_DEADLINE_MS,
  MAX_RECEIVE_MESSAGE_BYTES,
  type GatewayClientOptions,
  type InsecureOptions,
  type MutualTlsOptions,
  type Pem,
} from './connect-options';
export { createGatewayClient, type GatewayClient } from './create-client';
export { envelopeFromJson, type EnvelopeJsonDefaults } from './envelope-json';
export { readEnvelopeFile, readEnvelopeLines, type EnvelopeInput } from './envelope-files';
export type { PublishFunction, PublishOptions } from './publish';
export type { PublishStream } from './publish-stream';
export {
  DEFAULT_MAX_IN_FLIGHT,
  MAX_IN_FLIGHT_LIMIT,
  type PublishStreamOptions,
} from './publish-stream-options';
export {
  PublishRefusedError,
  isRetriableRefusal,
  refusalFromCallStatus,
  refusalFromResult,
  type CallStatusLike,
  type FieldViolation,
  type GrpcCodeName,
  type Refusal,
} from './refusal';
export {
  DEFAULT_PUBLISH_RETRY,
  DEFAULT_RECONNECT,
  backoffDelayMs,
  type RetryPolicy,
  type RetryPolicyInput,
} from './retry-policy';
export {
  statusFromMetadata,
  statusToMetadata,
  statusToServiceError,
} from '../contract/status-trailer';
export type { Envelope } from '../contract/generated/intelroute/v1/envelope';
export type { PublishAck, RecordLocation } from '../contract/generated/intelroute/v1/gateway';
