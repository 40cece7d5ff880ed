/**
 * What library code uses: the OpenTelemetry API only (spans, propagation, instruments' types).
 * The SDK is wired by `startTelemetry` (./start-telemetry), imported by the composition root
 * alone, so importing this barrel never loads the SDK.
 */
export { ConsumerLagTracker } from './consumer-lag-tracker';
export {
  endReceiveSpan,
  gatewayReceiveSpan,
  recordDecision,
  routeSpan,
  sendSpan,
  setMessageFacts,
  validateSpan,
  type GatewayDecision,
  type ReceiveSpanInput,
  type SendScope,
  type SendSpanInput,
} from './gateway-spans';
export {
  extractGrpcTraceContext,
  grpcMetadataGetter,
  type GrpcMetadataLike,
} from './grpc-metadata-carrier';
export {
  createIntelrouteMetrics,
  noopIntelrouteMetrics,
  type Component,
  type ConnectionCloseReason,
  type ConnectionCounts,
  type ConsumerLagSample,
  type IntelrouteMetrics,
  type LagReading,
  type MessageLabels,
  type ProduceLabels,
  type ReaderOutcome,
} from './intelroute-metrics';
export {
  extractTraceContext,
  injectTraceHeaders,
  kafkaHeadersGetter,
  kafkaHeadersSetter,
  type KafkaHeaders,
  type KafkaHeaderValue,
  type TraceHeaders,
} from './kafka-headers-carrier';
export { activeSpanFields, traceFields } from './log-trace-fields';
export { createLogger, REDACTED_PATHS, silentLogger, type Logger } from './logger';
export type { MessageSpanFacts } from './message-attributes';
export { METRIC, PRODUCE_DURATION_BUCKETS_MS } from './metric-names';
export { readerProcessSpan, type ProcessSpanInput } from './reader-spans';
export { ATTR, GATEWAY_RPC_SERVICE } from './semantic-attributes';
export { errorType, startScope, type ScopeAttributeValue, type SpanScope } from './span-scope';
export {
  childContext,
  formatTraceparent,
  parseTraceparent,
  type TraceContext,
} from './trace-context';
export { currentTraceIds, type TraceIds } from './trace-ids';
