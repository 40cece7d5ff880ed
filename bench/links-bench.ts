/**
 * Throughput of the link detector (reports/s) on a local broker: N reports are first written to
 * the Secretariat topic as the gateway writes them (transactionally, with receipts), then the
 * detector is started and timed until both stages have committed past every record — each
 * report re-keyed to `intel.v1.selectors` and folded into the index. A share of the reports pair
 * up across two countries, so link alerts go through a real in-process gateway (mTLS).
 * `npx tsx bench/links-bench.ts` prints one JSON line (KAFKA_BROKERS names the broker).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import { initCertFolder, issueClientCertificateFiles } from '../src/identity/certs';
import { loadConfig, type IntelrouteConfig } from '../src/config';
import { readerSettings } from '../src/services/readers';
import { TOPICS } from '../src/contract/topic-names';
import { Gateway } from '../src/gateway/gateway';
import {
  HandlingCode,
  InformationAccuracy,
  OriginKind,
  SourceReliability,
  type Envelope,
} from '../src/contract/generated/intelroute/v1/envelope';
import { createKafkaClient } from '../src/kafka/kafka-client';
import { encodeMessageRecord } from '../src/kafka/record-format';
import { applyTopicPlan } from '../src/kafka/topic-provisioning';
import { TransactionalWriter } from '../src/kafka/transactional-writer';
import { LinkDetector, linkDetectorGroups } from '../src/services/links/detector/link-detector';
import { systemGatewayClient } from '../src/services/shared/system-publisher';
import { silentLogger } from '../src/telemetry/logger';

/** Options of runLinksBench. */
export interface LinksBenchOptions {
  /** Bootstrap brokers (default: KAFKA_BROKERS). */
  readonly brokers?: readonly string[];
  /** Reports to process (default 4000). */
  readonly reports?: number;
  /** Share of reports that pair up across two countries into a link (default 0.1). */
  readonly linkedShare?: number;
  /** Partitions of every topic (default 3, the shipped default). */
  readonly partitions?: number;
}

/** What runLinksBench measured. */
export interface LinksBenchResult {
  readonly name: 'links';
  /**
   * Reports through both stages per second (re-keyed, indexed, alerts sent), from the moment
   * start() resolved (groups joined, stores loaded) to both stages committed past the last one.
   */
  readonly reportsPerSec: number;
  readonly reports: number;
  /** Links formed: each linked pair of reports shares two selectors (a domain and an e-mail). */
  readonly links: number;
  /** Link alerts sent (3 per link: both countries and the Secretariat). */
  readonly alerts: number;
  /** Detector start: directory load, two group joins, store rebuild. */
  readonly startMs: number;
  readonly runMs: number;
}

const MEMBERS = ['DE', 'FR'];

/** Runs the benchmark once and returns the figures (topics are left under a bench prefix). */
export async function runLinksBench(options: LinksBenchOptions = {}): Promise<LinksBenchResult> {
  const brokers = options.brokers ?? (process.env.KAFKA_BROKERS ?? '').split(',');
  const reports = options.reports ?? 4000;
  const pairs = Math.floor((reports * (options.linkedShare ?? 0.1)) / 2);
  const config = benchConfig(brokers, options.partitions ?? 3);
  const kafka = createKafkaClient({ brokers, clientId: 'links-bench', logger: silentLogger() });
  const admin = kafka.admin();
  await admin.connect();
  const gateway = await startGateway(config, kafka, admin);
  try {
    await writeReports(kafka, config.topics.prefix, benchReports(reports, pairs));
    const timed = await timeDetector(config, kafka, admin, gateway.certsDir, gateway.address);
    return {
      name: 'links',
      reportsPerSec: Math.round((reports * 1000) / timed.runMs),
      reports,
      links: pairs * 2,
      alerts: pairs * 2 * 3,
      startMs: Math.round(timed.startMs),
      runMs: Math.round(timed.runMs),
    };
  } finally {
    await gateway.stop();
    await admin.disconnect();
  }
}

async function timeDetector(
  config: IntelrouteConfig,
  kafka: Kafka,
  admin: Admin,
  certsDir: string,
  address: string,
): Promise<{ startMs: number; runMs: number }> {
  const client = systemGatewayClient(
    { address, certsDir, serverName: 'localhost' },
    'link-detector',
  );
  const prefix = config.topics.prefix;
  const detector = new LinkDetector({
    kafka,
    logger: silentLogger(),
    topicPrefix: prefix,
    instanceId: `links-bench-${randomUUID().slice(0, 8)}`,
    secret: randomBytes(32),
    settings: readerSettings(config),
    maxObservationsPerSelector: 1000,
    gateway: client,
    publishTimeoutMs: 10_000,
  });
  const starting = performance.now();
  await detector.start();
  const started = performance.now();
  try {
    const groups = linkDetectorGroups(prefix);
    await caughtUp(admin, groups.observer, `${prefix}${TOPICS.secretariat}`);
    await caughtUp(admin, groups.index, `${prefix}${TOPICS.linkSelectors}`);
    return { startMs: started - starting, runMs: performance.now() - started };
  } finally {
    await detector.stop();
  }
}

/** Reports of FR and DE, each with its own domain except `pairs` pairs sharing one. */
function benchReports(count: number, pairs: number): Envelope[] {
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: count }, (_, i) => {
    const linked = i < pairs * 2;
    const domain = linked ? `shop-${run}-l${Math.floor(i / 2)}.com` : `shop-${run}-u${i}.com`;
    return report(i % 2 === 0 ? 'FR' : 'DE', domain);
  });
}

/** A report naming the shop's URL and e-mail: two selectors (a domain and an e-mail). */
function reportPayload(domain: string): Buffer {
  const payload = {
    vendorKind: 'online-pharmacy',
    summary: 'Shop selling opioids without prescription (benchmark report).',
    observedAt: '2025-03-01T08:15:00Z',
    urls: [`https://www.${domain}/buy`],
    emails: [`sales@${domain}`],
    substances: [{ name: 'Oxycodone', convention: 'single-convention-1961', schedule: 'I' }],
  };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

/** An envelope as the gateway stores it: with its receipt. */
function report(country: string, domain: string): Envelope {
  const now = new Date();
  return {
    messageId: randomUUID(),
    messageType: 'online-vendor-report',
    schemaVersion: 1,
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country, agencyId: '' },
    destinations: [],
    handling: {
      code: HandlingCode.HANDLING_CODE_H0,
      restrictedTo: [],
      restrictions: [],
      restrictionText: '',
      retentionDays: 365,
    },
    evaluation: {
      sourceReliability: SourceReliability.SOURCE_RELIABILITY_B,
      informationAccuracy: InformationAccuracy.INFORMATION_ACCURACY_2,
    },
    priority: 0,
    inReplyTo: '',
    caseReference: '',
    createdAt: now,
    payload: reportPayload(domain),
    contentType: 'application/json',
    receipt: {
      sender: `urn:intelroute:ncb:${country}`,
      receivedAt: now,
      payloadSha256: '',
      replyDueAt: undefined,
      traceId: '',
    },
  };
}

async function writeReports(kafka: Kafka, prefix: string, envelopes: Envelope[]): Promise<void> {
  const writer = new TransactionalWriter<never>({
    kafka,
    transactionalId: `links-bench-writer-${randomUUID().slice(0, 8)}`,
    logger: silentLogger(),
  });
  await writer.start();
  try {
    const topic = `${prefix}${TOPICS.secretariat}`;
    const deadlineAtMs = Date.now() + 120_000;
    for (let at = 0; at < envelopes.length; at += 500) {
      const records = envelopes.slice(at, at + 500).map((e) => encodeMessageRecord(topic, e));
      await writer.write({ records, events: [], deadlineAtMs });
    }
  } finally {
    await writer.stop();
  }
}

/** Waits until `group` committed past the end of every partition of `topic`. */
async function caughtUp(admin: Admin, group: string, topic: string): Promise<void> {
  for (;;) {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const done = ends.every((end) => {
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return BigInt(at) >= BigInt(end.high) - 1n;
    });
    if (done) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function benchConfig(brokers: readonly string[], partitions: number): IntelrouteConfig {
  const base = loadConfig({ env: {} });
  const prefix = `bench-${randomUUID().slice(0, 8)}.links.`;
  return {
    ...base,
    kafka: { ...base.kafka, brokers },
    topics: { ...base.topics, prefix, partitions, memberCountries: MEMBERS },
    gateway: { ...base.gateway, port: 0 },
  };
}

async function startGateway(
  config: IntelrouteConfig,
  kafka: Kafka,
  admin: Admin,
): Promise<{ address: string; certsDir: string; stop(): Promise<void> }> {
  const certsDir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-links-bench-'));
  await initCertFolder({ dir: certsDir });
  await issueClientCertificateFiles({ dir: certsDir, urn: 'urn:intelroute:system:link-detector' });
  await applyTopicPlan({ admin, topics: config.topics, memberCountries: MEMBERS });
  const gatewayConfig = { ...config.gateway, tls: { ...config.gateway.tls, certsDir } };
  const gateway = new Gateway({
    config: gatewayConfig,
    topicPrefix: config.topics.prefix,
    memberCountries: MEMBERS,
    kafka,
    logger: silentLogger(),
    readers: config,
  });
  await gateway.start();
  return { address: `127.0.0.1:${gateway.port}`, certsDir, stop: () => gateway.stop() };
}

if (require.main === module) {
  runLinksBench()
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      process.exitCode = 1;
      process.stderr.write(`links bench failed: ${String(error)}\n`);
    });
}
