export {
  LocalKafkaCluster,
  checkExtraListeners,
  type ExtraListener,
  type LocalKafkaOptions,
  type LocalNodeInfo,
  type PartitionLeader,
} from './local-kafka-cluster';
export { findJava, parseJavaMajorVersion, MINIMUM_JAVA_MAJOR } from './java-runtime';
export { ensureKafkaJars } from './kafka-jars';
export { READINESS_TOPIC } from './readiness';
export { brokerLoggingFor, type BrokerLogging, type BrokerLoggingKind } from './broker-logging';
