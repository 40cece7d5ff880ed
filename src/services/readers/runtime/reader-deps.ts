import { TOPICS } from '../../../contract/topic-names';
import { IntelrouteError } from '../../../core/errors';
import type { TransactionalWriter } from '../../../kafka/transactional-writer';
import type { Logger } from '../../../telemetry/logger';
import type { ProcessedIds } from '../dedupe/processed-ids';
import type { ProcessorDeps } from './message-processor';
import type { PendingCommitDeps } from './pending-commit';
import type { ReaderEvent } from './reader-events';
import type { ReaderRuntimeOptions } from './reader-runtime';
import type { RetryBook } from './retry-book';

/** What processRecord needs, from the runtime's options and started parts. */
export function processorDeps(
  options: ReaderRuntimeOptions,
  processedIds: ProcessedIds,
  retries: RetryBook,
  logger: Logger,
): ProcessorDeps {
  const { settings, stream, topicPrefix } = options;
  return {
    group: stream.group,
    instanceId: options.instanceId,
    processedTopic: `${topicPrefix}${TOPICS.readersProcessed}`,
    deadLetterTopic: `${topicPrefix}${TOPICS.deadLetter}`,
    processedIds,
    retries,
    handler: options.handler,
    attempts: { maxAttempts: settings.maxAttempts, backoff: settings.backoff },
    logger,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}

/** What a partition's PendingCommit needs. */
export function pendingCommitDeps(
  options: ReaderRuntimeOptions,
  processedIds: ProcessedIds,
  writer: TransactionalWriter<ReaderEvent> | undefined,
  logger: Logger,
): Omit<PendingCommitDeps, 'metrics'> {
  const { settings, stream } = options;
  if (writer === undefined)
    throw new IntelrouteError('INTERNAL', 'the reader writer is not started');
  return {
    group: stream.group,
    processedIds,
    maxMessages: settings.commitMaxMessages,
    maxDelayMs: settings.commitMaxDelayMs,
    writer,
    commitTimeoutMs: settings.commitTimeoutMs,
    backoff: settings.backoff,
    heartbeatEveryMs: settings.heartbeatIntervalMs,
    logger,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}
