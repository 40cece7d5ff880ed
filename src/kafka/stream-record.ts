/** One record of a fetched batch, as the stream logic sees it (`offset`: 64-bit, as text). */
export interface StreamRecord {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
}

/** Record headers as the client hands them over (a header may repeat). */
export type RecordHeaders = Readonly<
  Record<string, Buffer | string | (Buffer | string)[] | undefined>
>;

/** A fetched run of records of one partition, and what its handler may do meanwhile. */
export interface PartitionBatch {
  readonly batch: {
    readonly topic: string;
    readonly partition: number;
    readonly highWatermark: string;
    readonly messages: readonly StreamRecord[];
    lastOffset(): string;
  };
  /** Marks `offset` handled: a rejoin or the next fetch starts after it. */
  resolveOffset(offset: string): void;
  /** Keeps the group membership; throws when the group is rebalancing. */
  heartbeat(): Promise<void>;
  /** Stops fetching this partition until the returned function is called. */
  pause(): () => void;
  isRunning(): boolean;
  isStale(): boolean;
}
