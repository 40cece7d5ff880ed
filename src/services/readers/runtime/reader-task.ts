import { TOPICS } from '../../../contract/topic-names';
import { IntelrouteError } from '../../../core/errors';
import { auditTopicsFor } from '../../../audit';
import type { Assignment } from '../../../kafka/group-member';
import type { OwnedKafkaConnection } from '../../../kafka/kafka-connection';
import type { StreamRecord } from '../../../kafka/stream-record';
import type { CommitContext } from '../../../kafka/stream/commit-transaction';
import { awaitWithHeartbeat } from '../../../kafka/stream/heartbeat-wait';
import type {
  CommitDue,
  PartitionWork,
  RecordContext,
  RecordOutcome,
  StreamTask,
} from '../../../kafka/stream/stream-task';
import type { TransactionalWriter } from '../../../kafka/transactional-writer';
import { noopIntelrouteMetrics } from '../../../telemetry/intelroute-metrics';
import type { Logger } from '../../../telemetry/logger';
import { ProcessedIds } from '../dedupe/processed-ids';
import { processRecordTraced, type ProcessorDeps } from './message-processor';
import { PendingCommit } from './pending-commit';
import { pendingCommitDeps, processorDeps } from './reader-deps';
import type { ReaderEvent } from './reader-events';
import type { ReaderRuntimeOptions } from './reader-runtime';
import { startReaderWriter } from './reader-writer';
import { RetryBook } from './retry-book';

const DONE: RecordOutcome = { kind: 'done' };

/**
 * A reader as a stream task: each message handed to the handler once per group (processed ids,
 * keyed by origin + message id, reloaded after every join so marks a previous owner wrote are
 * known first), given up on into the dead-letter topic, and committed with its processed mark
 * and audit events on the reader's own chain.
 */
export class ReaderTask implements StreamTask {
  private writer: TransactionalWriter<ReaderEvent> | undefined;
  private processedIds: ProcessedIds | undefined;
  private refresh: Promise<void> | undefined;
  private readonly retries = new RetryBook();

  constructor(
    private readonly options: ReaderRuntimeOptions,
    private readonly logger: Logger,
  ) {}

  async open(connection: OwnedKafkaConnection): Promise<void> {
    const { kafka, stream, topicPrefix, settings, instanceId } = this.options;
    this.writer = await startReaderWriter({
      kafka,
      admin: connection.admin,
      logger: this.logger,
      transactionalId: `${stream.group}.${instanceId}`,
      chainId: instanceId,
      auditTopics: auditTopicsFor(topicPrefix),
      ...(this.options.signer === undefined ? {} : { signer: this.options.signer }),
    });
    this.processedIds = new ProcessedIds({
      reader: connection,
      topic: `${topicPrefix}${TOPICS.readersProcessed}`,
      group: stream.group,
      windowMs: settings.dedupeWindowMs,
      maxEntries: settings.dedupeMaxEntries,
      logger: this.logger,
      ...(this.options.now === undefined ? {} : { now: this.options.now }),
    });
  }

  assigned(): void {
    this.retries.clear();
    this.startRefresh();
  }

  /** The load the first join started; awaited, so a failure fails the start. */
  async ready(_first: Assignment): Promise<void> {
    if (this.refresh !== undefined) await this.refresh;
  }

  async begin(
    topic: string,
    partition: number,
    heartbeat: () => Promise<void>,
  ): Promise<PartitionWork> {
    // Waits for the processed ids of this generation, heartbeating so the group keeps us.
    if (this.refresh === undefined) this.startRefresh();
    const every = this.options.settings.heartbeatIntervalMs;
    await awaitWithHeartbeat(this.refresh as Promise<void>, heartbeat, every);
    const ids = this.ids();
    const deps = processorDeps(this.options, ids, this.retries, this.logger);
    const pendingDeps = pendingCommitDeps(this.options, ids, this.writer, this.logger);
    const metrics = this.options.metrics ?? noopIntelrouteMetrics();
    return new ReaderWork(deps, new PendingCommit({ ...pendingDeps, metrics }, topic, partition));
  }

  async close(): Promise<void> {
    await this.writer?.stop();
  }

  /** Reloads the processed ids; a failed load is retried by the next batch. */
  private startRefresh(): void {
    const refresh = this.ids().load();
    this.refresh = refresh;
    refresh.catch((error: unknown) => {
      const why = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: why }, 'loading processed ids failed; will retry');
      if (this.refresh === refresh) this.refresh = undefined;
    });
  }

  private ids(): ProcessedIds {
    if (this.processedIds === undefined) {
      throw new IntelrouteError('INTERNAL', 'processed ids used before the reader started');
    }
    return this.processedIds;
  }
}

/**
 * One partition's batch for a reader: records go through processRecord, their entries wait in
 * the PendingCommit, committed once `commitMaxMessages` wait or the oldest waited
 * `commitMaxDelayMs` (then the batch yields: the sink is slow).
 */
class ReaderWork implements PartitionWork {
  constructor(
    private readonly deps: ProcessorDeps,
    private readonly pending: PendingCommit,
  ) {}

  async handle(record: StreamRecord, context: RecordContext): Promise<RecordOutcome> {
    const location = { topic: context.topic, partition: context.partition, offset: record.offset };
    const result = await processRecordTraced(this.deps, location, record, context.signal);
    if (result.kind === 'retry') return result;
    this.pending.add(result.entry, record.offset);
    return DONE;
  }

  due(): CommitDue {
    if (!this.pending.due) return 'no';
    return this.pending.dueByAge ? 'now-then-yield' : 'now';
  }

  commit(context: CommitContext): Promise<boolean> {
    return this.pending.flush(context);
  }
}
