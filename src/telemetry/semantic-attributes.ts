/**
 * Attribute names of the OpenTelemetry semantic conventions intelroute follows, and its own.
 *
 * The messaging and gRPC names are still "incubating" in `@opentelemetry/semantic-conventions`,
 * whose authors advise copying them rather than importing the incubating entry point (its
 * exports may change in a minor release). They are the names of messaging conventions 1.27–1.30
 * and of the RPC conventions before `rpc.system.name`, which Jaeger and the collector's
 * processors recognise today.
 */
export const ATTR = {
  rpcSystem: 'rpc.system',
  rpcService: 'rpc.service',
  rpcMethod: 'rpc.method',
  rpcGrpcStatusCode: 'rpc.grpc.status_code',
  messagingSystem: 'messaging.system',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingDestinationName: 'messaging.destination.name',
  messagingDestinationPartitionId: 'messaging.destination.partition.id',
  messagingMessageId: 'messaging.message.id',
  messagingConsumerGroupName: 'messaging.consumer.group.name',
  messagingKafkaMessageKey: 'messaging.kafka.message.key',
  messagingKafkaOffset: 'messaging.kafka.offset',
  errorType: 'error.type',
  messageId: 'intelroute.message_id',
  messageType: 'intelroute.message_type',
  origin: 'intelroute.origin',
  originCountry: 'intelroute.origin_country',
  sender: 'intelroute.sender',
  decision: 'intelroute.decision',
  decisionReason: 'intelroute.decision.reason',
  routeCount: 'intelroute.route_count',
  ruleId: 'intelroute.rule_id',
} as const;

/** The gRPC service the gateway serves (`rpc.service`). */
export const GATEWAY_RPC_SERVICE = 'intelroute.v1.IntelGateway';

/** Longest attribute text kept: ids, types and reason codes are short; anything longer is cut. */
export const MAX_ATTRIBUTE_TEXT = 256;

/** Cuts text to {@link MAX_ATTRIBUTE_TEXT} characters (a sender controls some of these values). */
export function clip(text: string): string {
  return text.length <= MAX_ATTRIBUTE_TEXT ? text : text.slice(0, MAX_ATTRIBUTE_TEXT);
}
