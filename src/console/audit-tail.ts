import { randomUUID } from 'node:crypto';
import { parseAuditValue } from '../audit/audit-format';
import { errorText } from '../core/errors';
import { GroupMember, type PartitionBatch } from '../kafka/group-member';
import {
  deleteGroupsQuietly,
  openKafkaConnection,
  type KafkaClient,
} from '../kafka/kafka-connection';
import { topicEnds } from '../kafka/topic-reader';
import type { Logger } from '../telemetry/logger';
import type { AuditIndex } from './audit-index';
import type { HealthView } from './console-model';

export interface AuditTailOptions {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly topic: string;
  readonly index: AuditIndex;
  /** Names the throwaway consumer group (intelroute-console-<instance>-<random>). */
  readonly instanceId: string;
}

/**
 * Reads the audit topic from its beginning into the index, and then every record committed
 * later: the console's only view of the trail. Its consumer group is its own and commits
 * nothing, so each start reads the whole trail again; a rejoin (the group's coordinator moved)
 * fetches from the beginning again, and the offsets already read are skipped, so no record is
 * counted twice.
 */
export class AuditTail {
  private readonly groupId: string;
  private readonly member: GroupMember;
  /** Per partition: the next offset to read, and the log's end as last seen. */
  private readonly positions = new Map<number, { next: bigint; end: bigint }>();
  private startEnds: ReadonlyMap<number, bigint> | null = null;
  private state: HealthView['auditTail']['state'] = 'starting';
  private caughtUpOnce = false;
  private reportFailure: (reason: string) => void = () => undefined;
  /** Resolves when the reading stopped for good (its consumer failed); never otherwise. */
  readonly failure = new Promise<string>((resolve) => {
    this.reportFailure = resolve;
  });

  constructor(private readonly options: AuditTailOptions) {
    this.groupId = `intelroute-console-${options.instanceId}-${randomUUID().slice(0, 8)}`;
    this.member = new GroupMember(options.kafka, {
      groupId: this.groupId,
      topics: [options.topic],
      logger: options.logger.child({ component: 'console.audit-tail' }),
      maxWaitTimeMs: 250,
      maxBytesPerPartition: 4 * 1024 * 1024,
      eachBatch: (batch) => this.take(batch),
      onEmptyFetch: ({ partition, highWatermark, lastOffset }) =>
        this.advance(partition, BigInt(lastOffset) + 1n, BigInt(highWatermark)),
      onFailed: (error) => {
        this.state = 'down';
        this.reportFailure(errorText(error));
        options.logger.error(
          { err: errorText(error) },
          'the console stopped reading the audit trail',
        );
      },
    });
  }

  /** Joins its group; reading goes on in the background. */
  async start(): Promise<void> {
    const connection = await openKafkaConnection(this.options.kafka);
    try {
      const ends = await topicEnds(connection, this.options.topic);
      this.startEnds = new Map([...ends].map(([partition, { end }]) => [partition, end]));
      for (const [partition, { low, end }] of ends) {
        this.positions.set(partition, { next: low, end });
      }
    } finally {
      await connection.close();
    }
    this.state = 'catching up';
    this.checkCaughtUp();
    await this.member.start();
  }

  async stop(): Promise<void> {
    await this.member.leave();
    // Best effort: an empty group without offsets also expires on the broker by itself.
    const connection = await openKafkaConnection(this.options.kafka).catch(() => null);
    if (connection === null) return;
    await deleteGroupsQuietly(connection, [this.groupId]);
    await connection.close();
  }

  /** Caught up with the trail as it was at start (and reading on). */
  get live(): boolean {
    return this.caughtUpOnce && this.state !== 'down';
  }

  health(): HealthView['auditTail'] {
    if (this.startEnds === null) return { state: this.state, behind: null };
    let behind = 0n;
    for (const { next, end } of this.positions.values()) if (end > next) behind += end - next;
    return { state: this.state, behind: Number(behind) };
  }

  private async take({ batch, resolveOffset, heartbeat }: PartitionBatch): Promise<void> {
    const position = this.positions.get(batch.partition);
    let next = position?.next ?? 0n;
    for (const message of batch.messages) {
      const offset = BigInt(message.offset);
      if (offset < next) continue; // read before a rejoin started over
      try {
        this.options.index.add(parseAuditValue(message.value));
      } catch {
        this.options.index.addUnreadable();
      }
      next = offset + 1n;
      resolveOffset(message.offset);
    }
    // The batch's last offset counts a transaction's commit marker after its last record.
    const last = BigInt(batch.lastOffset()) + 1n;
    this.advance(batch.partition, last > next ? last : next, BigInt(batch.highWatermark));
    await heartbeat().catch(() => undefined);
  }

  private advance(partition: number, next: bigint, end: bigint): void {
    const position = this.positions.get(partition);
    this.positions.set(partition, {
      next: position === undefined || next > position.next ? next : position.next,
      end: position === undefined || end > position.end ? end : position.end,
    });
    this.checkCaughtUp();
  }

  private checkCaughtUp(): void {
    if (this.caughtUpOnce || this.startEnds === null) return;
    for (const [partition, end] of this.startEnds) {
      if ((this.positions.get(partition)?.next ?? 0n) < end) return;
    }
    this.caughtUpOnce = true;
    if (this.state !== 'down') this.state = 'live';
  }
}
