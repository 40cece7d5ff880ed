/**
 * Building blocks of intelroute's stateful services (link detector, request ledger): a keyed
 * state processor over a compacted changelog, a keyed producer, and the publisher of system
 * messages through the gateway. Candidates to move beside src/consumers once a second owner
 * needs them.
 */
export {
  KeyedStateProcessor,
  type KeyedStateLogic,
  type KeyedStateProcessorOptions,
  type ProcessorSettings,
  type RecordContext,
} from './keyed-state-processor';
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
