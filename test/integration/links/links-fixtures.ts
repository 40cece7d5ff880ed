import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '../../../src/config';
import { readerSettings, type ReaderSettings } from '../../../src/services/readers';
import {
  Channel,
  HandlingCode,
  OriginKind,
  Restriction,
  type Envelope,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';
import { decodeMessageValue } from '../../../src/kafka/record-format';
import { fixturePayload, payloadBytes, validEnvelope } from '../../helpers/envelopes';
import { readAllCommitted } from '../../helpers/read-topic';

/** A fresh network secret (32 random bytes). */
export function testSecret(): Buffer {
  return randomBytes(32);
}

/** Writes `secret` to a temp file, as `links.secretFile` names it. */
export function secretFile(secret: Buffer): string {
  const file = path.join(os.tmpdir(), `intelroute-link-secret-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, secret, { mode: 0o600 });
  return file;
}

/** Reader settings for these tests: quick heartbeats and retries, frequent commits. */
export function linkTestSettings(overrides: Partial<ReaderSettings> = {}): ReaderSettings {
  return {
    ...readerSettings(loadConfig({ env: {} })),
    backoff: { initialMs: 20, maxMs: 200 },
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    commitMaxDelayMs: 100,
    ...overrides,
  };
}

/** Options of a test report. */
export interface ReportOptions {
  readonly restrictedTo?: readonly string[];
  readonly restrictions?: readonly Restriction[];
  readonly h2To?: readonly string[];
}

/** An online-vendor-report of `country`'s NCB naming the given identifiers. */
export function vendorReport(
  country: string,
  identifiers: Record<string, unknown>,
  options: ReportOptions = {},
): Envelope {
  const substances = (fixturePayload('online-vendor-report') as { substances: unknown }).substances;
  const payload = {
    vendorKind: 'online-pharmacy',
    summary: 'Shop selling opioids without prescription (test report).',
    observedAt: '2025-03-01T08:15:00Z',
    substances,
    ...identifiers,
  };
  const restrictions = [...(options.restrictions ?? [])];
  const code =
    options.h2To !== undefined
      ? HandlingCode.HANDLING_CODE_H2
      : restrictions.length > 0
        ? HandlingCode.HANDLING_CODE_H3
        : HandlingCode.HANDLING_CODE_H0;
  return validEnvelope('online-vendor-report', {
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country, agencyId: '' },
    destinations: [
      ...(options.h2To ?? []).map((cc) => ({ target: { $case: 'country' as const, country: cc } })),
      ...(options.h2To === undefined
        ? []
        : [{ target: { $case: 'channel' as const, channel: Channel.CHANNEL_SECRETARIAT } }]),
    ],
    handling: {
      code,
      restrictedTo: [...(options.restrictedTo ?? [])],
      restrictions,
      restrictionText: '',
      retentionDays: 365,
    },
    createdAt: new Date(Date.now() - 1000),
    payload: payloadBytes(payload),
  });
}

/** A link alert as read from a topic. */
export interface ReadAlert {
  readonly messageId: string;
  readonly destinations: readonly string[];
  readonly payload: {
    linkId: string;
    selectorKind: string;
    ownReports: { messageId: string; selectorPaths?: string[] }[];
    matches: { country: string; reportCount: number; contactPoint?: Record<string, unknown> }[];
  };
}

/** Every link alert committed to `topic`. */
export async function readAlerts(kafka: Kafka, topic: string): Promise<ReadAlert[]> {
  const records = await readAllCommitted(kafka, topic);
  return records
    .map((record) => decodeMessageValue(record.value))
    .filter((envelope) => envelope.messageType === 'link-alert')
    .map((envelope) => ({
      messageId: envelope.messageId,
      destinations: envelope.destinations.map((d) =>
        d.target?.$case === 'country' ? d.target.country : 'secretariat',
      ),
      payload: JSON.parse(Buffer.from(envelope.payload).toString('utf8')) as ReadAlert['payload'],
    }));
}

/** How many publishes by `identity` the gateway answered as duplicates (its audit trail). */
export async function duplicatesAnswered(
  kafka: Kafka,
  auditTopic: string,
  identity: string,
): Promise<number> {
  const records = await readAllCommitted(kafka, auditTopic);
  return records
    .map((record) => AuditRecord.fromJSON(JSON.parse(record.value.toString('utf8'))))
    .filter((r) => r.event === AuditEvent.AUDIT_EVENT_DUPLICATE && r.identity === identity).length;
}
