import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { headSignerFromPem, type HeadSigner } from '../../../src/audit/head-signature';
import {
  auditFields,
  auditRecordsFor,
  auditTopicsFor,
  outboundAuditRecords,
  parseAuditValue,
  readAuditTrail,
  startChain,
  type AuditFields,
  type AuditTopics,
  type AuditTrail,
  type ChainState,
  type TopicRecord,
} from '../../../src/audit';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { createTopicsAndWait } from '../../../src/kafka/topic-admin';
import { partitionForKey } from '../../../src/kafka/murmur2-partitioner';
import { uniqueName } from '../../helpers/kafka';

export const PARTITIONS = 2;

/** The writers' signing key of the genuine trail, and a folder trusting its public key. */
const writerKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const WRITER_SIGNER = headSignerFromPem(
  writerKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  'test writer key',
);
export const TRUSTED_KEYS_DIR = mkdtempSync(path.join(os.tmpdir(), 'audit-trusted-'));
writeFileSync(
  path.join(TRUSTED_KEYS_DIR, 'writers.pem'),
  writerKeys.publicKey.export({ type: 'spki', format: 'pem' }),
);

/** A fresh prefix ("test.audit.1a2b3c4d.") and its audit + heads topics, created. */
export async function createTrailTopics(
  admin: Admin,
): Promise<{ prefix: string; topics: AuditTopics }> {
  const prefix = `${uniqueName('test.audit')}.`;
  const topics = auditTopicsFor(prefix);
  await createTopicsAndWait(admin, [
    { name: topics.audit, partitions: PARTITIONS, replicationFactor: 1, configs: {} },
    {
      name: topics.heads,
      partitions: PARTITIONS,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact' },
    },
  ]);
  return { prefix, topics };
}

/**
 * One audit chain's writer as the gateway will run it: a transactional producer (idempotent, one
 * request in flight), records and head in one transaction, the chain state adopted on commit only.
 */
export class ChainWriter {
  private state: ChainState;
  private constructor(
    private readonly producer: Producer,
    private readonly topics: AuditTopics,
    chainId: string,
    private readonly signer: HeadSigner | null,
  ) {
    this.state = startChain(chainId);
  }

  /** A writer of chain `chainId`, signing its heads with `signer` (default: the test key; null: unsigned). */
  static async connect(
    kafka: Kafka,
    topics: AuditTopics,
    chainId: string,
    signer: HeadSigner | null = WRITER_SIGNER,
  ): Promise<ChainWriter> {
    const producer = kafka.producer({
      transactionalId: uniqueName(`test.audit.${chainId}`),
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return new ChainWriter(producer, topics, chainId, signer);
  }

  /** Writes the records and head in one transaction; commits, or aborts when `abort` is set. */
  async write(fields: readonly AuditFields[], { abort = false } = {}): Promise<void> {
    const batch = auditRecordsFor(this.state, fields);
    const transaction = await this.producer.transaction();
    const head = batch.head;
    const signed =
      head === undefined || this.signer === null
        ? batch
        : { ...batch, head: this.signer.sign(head) };
    const records = outboundAuditRecords(signed, this.topics);
    await transaction.sendBatch({
      acks: -1,
      topicMessages: [this.topics.audit, this.topics.heads].map((topic) => ({
        topic,
        messages: records
          .filter((r) => r.topic === topic)
          .map(({ key, value, headers }) => ({
            key,
            value,
            headers,
            partition: partitionForKey(key, PARTITIONS),
          })),
      })),
    });
    if (abort) {
      await transaction.abort();
      return;
    }
    await transaction.commit();
    this.state = batch.next;
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Fields of one event about `messageId`, at `ms` after a fixed instant. */
export function event(
  event: AuditEvent,
  messageId: string,
  ms: number,
  more: Partial<AuditFields> = {},
): AuditFields {
  return auditFields({
    event,
    messageId,
    at: new Date(Date.parse('2025-03-01T10:00:00.000Z') + ms),
    traceId: `trace-${messageId}`,
    payloadSha256: 'ab'.repeat(32),
    payloadSize: '512',
    ...more,
  });
}

/**
 * The genuine trail of the integration tests: gateway-1 (5 committed records in 2 transactions,
 * an aborted transaction of 2 between them) and reader-DE (3 records in 2 transactions).
 */
export async function writeGenuineTrail(kafka: Kafka, topics: AuditTopics): Promise<void> {
  const gateway = await ChainWriter.connect(kafka, topics, 'gateway-1');
  const reader = await ChainWriter.connect(kafka, topics, 'reader-DE');
  const routed = {
    identity: 'ncb:FR',
    locations: [{ topic: 'intel.v1.country.DE', partition: 1, offset: '41' }],
  };
  try {
    await gateway.write([
      event(AuditEvent.AUDIT_EVENT_RECEIVED, 'm-1', 0, { identity: 'ncb:FR' }),
      event(AuditEvent.AUDIT_EVENT_ROUTED, 'm-1', 2, routed),
      event(AuditEvent.AUDIT_EVENT_RECEIVED, 'm-2', 3, { identity: 'ncb:IT' }),
    ]);
    await reader.write([
      event(AuditEvent.AUDIT_EVENT_DELIVERED, 'm-1', 10, {
        reader: 'reader-DE',
        locations: routed.locations,
      }),
    ]);
    await gateway.write(
      [
        event(AuditEvent.AUDIT_EVENT_RECEIVED, 'aborted-1', 11),
        event(AuditEvent.AUDIT_EVENT_RECEIVED, 'aborted-2', 12),
      ],
      { abort: true },
    );
    await gateway.write([
      event(AuditEvent.AUDIT_EVENT_REFUSED, 'm-3', 13, {
        reason: 'SCHEMA_VIOLATION',
        fields: ['payload/urls/0'],
      }),
      event(AuditEvent.AUDIT_EVENT_ROUTED, 'm-2', 14),
    ]);
    await reader.write([
      event(AuditEvent.AUDIT_EVENT_DELIVERED, 'm-2', 15, { reader: 'reader-DE' }),
      event(AuditEvent.AUDIT_EVENT_ACKED, 'm-1', 16, { reader: 'reader-DE' }),
    ]);
  } finally {
    await Promise.all([gateway.disconnect(), reader.disconnect()]);
  }
}

/** Reads the trail of `topics` with a throwaway admin. */
export async function readTrail(kafka: Kafka, topics: AuditTopics): Promise<AuditTrail> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await readAuditTrail({ kafka, admin }, topics);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Rewrites a trail into other topics as a tamperer with write access would: the audit records
 * `edit` returns (each to its original partition, in order) and the heads as they were.
 */
export async function copyTrail(
  kafka: Kafka,
  trail: AuditTrail,
  to: AuditTopics,
  edit: (records: TopicRecord[]) => TopicRecord[],
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const message = (r: TopicRecord): Message => ({
    key: r.key,
    value: r.value,
    headers: { ...r.headers },
    partition: r.partition,
  });
  try {
    await producer.send({
      topic: to.audit,
      acks: -1,
      messages: edit([...trail.records]).map(message),
    });
    await producer.send({ topic: to.heads, acks: -1, messages: trail.heads.map(message) });
  } finally {
    await producer.disconnect();
  }
}

/** The record of `chainId` with `sequence` in a trail read back. */
export function recordOf(trail: AuditTrail, chainId: string, sequence: string): TopicRecord {
  const found = trail.records.find((r) => {
    const parsed = parseAuditValue(r.value);
    return parsed.chainId === chainId && parsed.sequence === sequence;
  });
  if (found === undefined) throw new Error(`no record ${chainId}#${sequence}`);
  return found;
}
