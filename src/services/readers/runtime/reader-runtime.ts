import type { HeadSigner } from '../../../audit/head-signature';
import type { KafkaClient } from '../../../kafka/kafka-connection';
import { StreamRuntime } from '../../../kafka/stream/stream-runtime';
import type { IntelrouteMetrics } from '../../../telemetry/intelroute-metrics';
import type { Logger } from '../../../telemetry/logger';
import type { ReaderStream } from '../reader-streams';
import type { ReaderSettings } from './reader-settings';
import { ReaderTask } from './reader-task';
import type { MessageHandler } from './reader-types';

/** What a reader runtime is built from (the composition root passes it in). */
export interface ReaderRuntimeOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  /** Topics (prefix applied), group and name of the reader. */
  readonly stream: ReaderStream;
  /** Names the transactional id (`<group>.<instanceId>`) and the audit chain (the id itself). */
  readonly instanceId: string;
  /** The deployment's topic prefix, for the processed, dead-letter and audit topics. */
  readonly topicPrefix: string;
  readonly handler: MessageHandler;
  readonly settings: ReaderSettings;
  /** The process's instruments (startTelemetry); none: no metrics. */
  readonly metrics?: IntelrouteMetrics;
  /** Signs the reader's audit chain heads (none: unsigned, refused by `audit verify`). */
  readonly signer?: HeadSigner;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * The runtime every reader runs on: the stream runtime (src/kafka/stream) driving a ReaderTask.
 * It hands each message to the handler and commits — offsets, processed marks and audit records
 * in one Kafka transaction — only once the handler succeeded (or gave up and the message went to
 * the dead-letter topic). Partitions run concurrently, each strictly in order; a slow sink holds
 * its partition back instead of buffering. A partition commits the run of messages it handled
 * together (PendingCommit): once `commitMaxMessages` wait or the oldest waited
 * `commitMaxDelayMs`, and always before its batch handler returns. See src/services/readers/README.md
 * for what "once" covers.
 */
export class ReaderRuntime extends StreamRuntime {
  constructor(options: ReaderRuntimeOptions) {
    const { stream } = options;
    const logger = options.logger.child({
      component: 'reader',
      reader: stream.name,
      group: stream.group,
      instanceId: options.instanceId,
    });
    const runtime = {
      kafka: options.kafka,
      logger,
      name: 'reader',
      group: stream.group,
      topics: stream.topics,
      settings: options.settings,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    };
    super(runtime, new ReaderTask(options, logger));
  }
}
