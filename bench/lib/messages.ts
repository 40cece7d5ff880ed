/**
 * The traffic of every benchmark: online-vendor-report envelopes from NCBs to one destination
 * country, with `restricted_to` = [sender, destination], so the shipped rules route each to
 * exactly two topics (the destination's inbox and the Secretariat; the working group is not
 * taken because restricted_to excludes it), and the Kafka records the gateway makes of them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TOPICS, countryTopic } from '../../src/contract/topic-names';
import {
  HandlingCode,
  InformationAccuracy,
  OriginKind,
  Priority,
  SourceReliability,
  type Envelope,
} from '../../src/contract/generated/intelroute/v1/envelope';
import { IntelrouteError } from '../../src/core/errors';
import { parseIdentityUrn } from '../../src/identity/parse-identity-urn';
import { encodeMessageRecord, type OutboundRecord } from '../../src/kafka/record-format';
import { decideRoutes, loadRuleSet } from '../../src/core/routing';
import { loadSchemaRegistry, validateMessage } from '../../src/core/validation';
import { formatTraceparent, childContext } from '../../src/telemetry/trace-context';

export const PROJECT_DIR = path.resolve(__dirname, '..', '..');

/** Member countries of the bench deployment (one inbox topic each). */
export const BENCH_MEMBERS = ['BE', 'DE', 'DK', 'ES', 'FR', 'IT', 'NL'] as const;
/** The NCBs that publish (one client certificate each). */
export const BENCH_SENDERS = ['FR', 'NL', 'BE', 'ES'] as const;
/** Where every message goes (besides the Secretariat). */
export const BENCH_DESTINATION = 'DE';

/** The two topics (without prefix) every bench message is routed to. */
export const ROUTED_TOPICS = [countryTopic(BENCH_DESTINATION), TOPICS.secretariat] as const;

const FIXTURES = path.join(PROJECT_DIR, 'test', 'fixtures', 'messages', 'online-vendor-report');

/**
 * A valid online-vendor-report payload of about `targetBytes` of UTF-8 JSON: the minimal social
 * media fixture (small targets) or the darknet vendor fixture (large ones), grown with mirror
 * URLs and domains within the schema's maxItems.
 */
export function vendorReportPayload(targetBytes: number): Buffer {
  const fixture = targetBytes < 2048 ? '02-social-media-minimal.json' : '01-darknet-vendor.json';
  const payload = JSON.parse(readFileSync(path.join(FIXTURES, 'valid', fixture), 'utf8')) as {
    urls?: string[];
    domains?: string[];
  };
  const size = (): number => Buffer.byteLength(JSON.stringify(payload), 'utf8');
  // The schema wants non-empty lists: a list is only added when something goes in it.
  for (let i = 1; size() < targetBytes - 70 && (payload.urls?.length ?? 0) < 100; i += 1) {
    (payload.urls ??= []).push(
      `https://rx-noscript-mirror${i}.example.net/shop/oxycodone-30mg?ref=${i}`,
    );
  }
  for (let i = 1; size() < targetBytes - 30 && (payload.domains?.length ?? 0) < 100; i += 1) {
    (payload.domains ??= []).push(`pharma-mirror-${i}.example.org`);
  }
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

/** A valid envelope from the NCB of `sender` to BENCH_DESTINATION carrying `payload`. */
export function benchEnvelope(sender: string, payload: Buffer, messageId = randomUUID()): Envelope {
  return {
    messageId,
    messageType: 'online-vendor-report',
    schemaVersion: 1,
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: sender, agencyId: '' },
    destinations: [{ target: { $case: 'country', country: BENCH_DESTINATION } }],
    handling: {
      code: HandlingCode.HANDLING_CODE_H1,
      restrictedTo: [sender, BENCH_DESTINATION],
      restrictions: [],
      restrictionText: '',
      retentionDays: 730,
    },
    evaluation: {
      sourceReliability: SourceReliability.SOURCE_RELIABILITY_B,
      informationAccuracy: InformationAccuracy.INFORMATION_ACCURACY_2,
    },
    priority: Priority.PRIORITY_ROUTINE,
    inReplyTo: '',
    caseReference: '',
    createdAt: new Date(),
    payload,
    contentType: 'application/json; charset=utf-8',
    receipt: undefined,
  };
}

/** The identity URN of the NCB of `country`. */
export function ncbUrn(country: string): string {
  return `urn:intelroute:ncb:${country}`;
}

/**
 * The records the gateway writes for `envelope` (one per routed topic, under `prefix`): same
 * key, headers and value (the envelope with the gateway's receipt, protobuf-encoded).
 */
export function gatewayRecords(envelope: Envelope, prefix: string): OutboundRecord[] {
  const trace = childContext(undefined);
  const origin = envelope.origin?.country ?? '';
  const stamped: Envelope = {
    ...envelope,
    receipt: {
      sender: ncbUrn(origin),
      receivedAt: new Date(),
      payloadSha256: createHash('sha256').update(envelope.payload).digest('hex'),
      replyDueAt: undefined,
      traceId: trace.traceId,
    },
  };
  const carrier = { traceparent: formatTraceparent(trace) };
  return ROUTED_TOPICS.map((topic) => encodeMessageRecord(`${prefix}${topic}`, stamped, carrier));
}

/**
 * Checks that the bench envelope carrying `payload` passes the gateway's validation and routes
 * to exactly ROUTED_TOPICS under the shipped rules, so a bad payload fails the run at once
 * instead of as thousands of refusals.
 * @throws IntelrouteError INTERNAL naming the problem
 */
export function checkBenchTraffic(payload: Buffer): void {
  const registry = loadSchemaRegistry({ schemasDir: path.join(PROJECT_DIR, 'schemas') });
  const envelope = benchEnvelope(BENCH_SENDERS[0], payload);
  const validation = validateMessage(envelope, { registry, now: new Date() });
  if (!validation.ok) {
    throw new IntelrouteError('INTERNAL', `bench payload refused: ${validation.message}`);
  }
  const rules = loadRuleSet(readFileSync(path.join(PROJECT_DIR, 'config', 'routing.yaml'), 'utf8'));
  const decision = decideRoutes({
    envelope,
    payload: validation.payload,
    sender: parseIdentityUrn(ncbUrn(BENCH_SENDERS[0])),
    rules,
    memberCountries: new Set(BENCH_MEMBERS),
    ncbCopyCountries: new Set(),
  });
  const topics = decision.kind === 'routed' ? decision.routes.map((r) => r.topic).sort() : [];
  if (topics.join(',') !== [...ROUTED_TOPICS].sort().join(',')) {
    throw new IntelrouteError('INTERNAL', `bench traffic routes to [${topics.join(', ')}]`);
  }
}
