import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '../../../src/config';
import {
  ReaderRuntime,
  readerSettings,
  readerStream,
  type MessageHandler,
  type ReaderSettings,
  type StreamSelector,
} from '../../../src/services/readers';
import { countryTopic } from '../../../src/contract/topic-names';
import { decodeMessageValue } from '../../../src/kafka/record-format';
import { silentLogger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';
import type { Ledger } from './ledger';

/** Reader settings for fault tests: quick retries and heartbeats, larger commit groups. */
export function faultReaderSettings(overrides: Partial<ReaderSettings> = {}): ReaderSettings {
  return {
    ...readerSettings(loadConfig({ env: {} })),
    backoff: { initialMs: 20, maxMs: 100 },
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    commitMaxMessages: 500,
    ...overrides,
  };
}

/** What the inbox itself holds (read_committed), beside what the handler read. */
export interface StoredIds {
  /** Records in the topic. */
  readonly records: number;
  /** Distinct message ids among them. */
  readonly ids: ReadonlySet<string>;
  /** Records beyond the first of an id (a message written twice; readers must absorb it). */
  readonly duplicates: number;
  /**
   * Of those, records that repeat one gateway attempt (same id and same receipt trace id): not a
   * client's retry after an unknown outcome, but one write stored twice below the gateway.
   */
  readonly sameAttemptDuplicates: number;
}

/** The message ids stored in `topic`, read to its end with read_committed. */
export async function storedIds(kafka: Kafka, topic: string): Promise<StoredIds> {
  const records = await readAllCommitted(kafka, topic);
  const ids = new Set<string>();
  const attempts = new Set<string>();
  for (const record of records) {
    const envelope = decodeMessageValue(record.value);
    ids.add(envelope.messageId);
    attempts.add(`${envelope.messageId}/${envelope.receipt?.traceId ?? ''}`);
  }
  return {
    records: records.length,
    ids,
    duplicates: records.length - ids.size,
    sameAttemptDuplicates: records.length - attempts.size,
  };
}

/**
 * Runs a reference reader (ReaderRuntime, its own group) over a country's stream and puts every
 * message its handler completes in the ledger, until the handler has read every message id the
 * inbox holds, then waits `settleMs` for late repeats and stops the reader.
 * @returns what the inbox holds
 */
export async function readStreamToLedger(options: {
  readonly kafka: Kafka;
  readonly prefix: string;
  readonly country: string;
  readonly ledger: Ledger;
  readonly timeoutMs: number;
  readonly settleMs?: number;
}): Promise<StoredIds> {
  const { kafka, prefix, country, ledger } = options;
  const stored = await storedIds(kafka, `${prefix}${countryTopic(country)}`);
  const selector: StreamSelector = { kind: 'country-inbox', country };
  const handler: MessageHandler = async ({ envelope }) => ledger.read(envelope.messageId);
  const reader = new ReaderRuntime({
    kafka,
    logger: silentLogger(),
    stream: readerStream(selector, prefix),
    instanceId: uniqueName('fault-reader'),
    topicPrefix: prefix,
    handler,
    settings: faultReaderSettings(),
  });
  await reader.start();
  try {
    await eventually(
      async () => [...stored.ids].filter((id) => !ledger.hasRead(id)).length,
      (missing) => missing === 0,
      { timeoutMs: options.timeoutMs, intervalMs: 250 },
    );
    await sleep(options.settleMs ?? 1500);
  } finally {
    await reader.stop();
  }
  return stored;
}
