/**
 * What intelroute's own services (link detector, request ledger) share: the publisher of system
 * messages through the gateway, its settings, deterministic ids; the keyed state processor and
 * keyed producer they run on live in the Kafka adapter (src/kafka).
 */
export {
  KeyedStateProcessor,
  type KeyedStateLogic,
  type KeyedStateProcessorOptions,
  type ProcessorSettings,
  type RecordContext,
} from '../../kafka/stream/keyed-state-processor';
export { KeyedProducer, type KeyedRecord } from '../../kafka/keyed-producer';
export { INTELROUTE_ID_NAMESPACE, uuidV5 } from './deterministic-id';
export {
  systemGatewayClient,
  systemPublisher,
  type PublishContext,
  type SystemClientSettings,
  type SystemPublishOutcome,
  type SystemPublisher,
} from './system-publisher';
export { readLinkSecret, systemClientSettings } from './service-config';
