import os from 'node:os';
import type { IntelrouteConfig } from '../../../config';
import type { BackoffPolicy } from '../../../core/backoff';

/** The compiled settings of a reader: config values with defaults resolved, units in names. */
export interface ReaderSettings {
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly dedupeWindowMs: number;
  readonly dedupeMaxEntries: number;
  readonly partitionsConcurrently: number;
  readonly sessionTimeoutMs: number;
  /** A tenth of the session timeout: kafkajs's own default ratio. */
  readonly heartbeatIntervalMs: number;
  readonly commitTimeoutMs: number;
  readonly commitMaxMessages: number;
  readonly commitMaxDelayMs: number;
  readonly maxBytesPerPartition: number;
}

/** Reader settings from the (validated, frozen) configuration. */
export function readerSettings(
  config: Pick<IntelrouteConfig, 'readers' | 'topics'>,
): ReaderSettings {
  const readers = config.readers;
  return Object.freeze({
    maxAttempts: readers.maxAttempts,
    backoff: Object.freeze({
      initialMs: readers.retryInitialBackoffMs,
      maxMs: Math.max(readers.retryInitialBackoffMs, readers.retryMaxBackoffMs),
    }),
    dedupeWindowMs: readers.dedupeWindowMs ?? config.topics.idempotencyRetentionMs,
    dedupeMaxEntries: readers.dedupeMaxEntries,
    partitionsConcurrently: readers.partitionsConcurrently,
    sessionTimeoutMs: readers.sessionTimeoutMs,
    heartbeatIntervalMs: Math.max(500, Math.floor(readers.sessionTimeoutMs / 10)),
    commitTimeoutMs: readers.commitTimeoutMs,
    commitMaxMessages: readers.commitMaxMessages,
    commitMaxDelayMs: readers.commitMaxDelayMs,
    maxBytesPerPartition: readers.maxBytesPerPartition,
  });
}

/** A reader instance's id: configured, else `<reader>-<hostname>` (stable across restarts). */
export function readerInstanceId(configured: string | null, readerName: string): string {
  if (configured !== null) return configured;
  const host = os
    .hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 60);
  return `${readerName}-${host}`;
}
