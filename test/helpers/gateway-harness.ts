import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initCertFolder, issueClientCertificateFiles } from '../../src/identity/certs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createGatewayClient,
  type GatewayClient,
  type GatewayClientOptions,
} from '../../src/client';
import { loadConfig, type GatewayConfig, type IntelrouteConfig } from '../../src/config';
import { createKafkaClient } from '../../src/kafka/kafka-client';
import type { KafkaClient } from '../../src/kafka/kafka-connection';
import { applyTopicPlan } from '../../src/kafka/topic-provisioning';
import { buildGateway } from '../../src/app/gateway';
import type { Gateway } from '../../src/gateway/gateway';
import type { IntelrouteMetrics } from '../../src/telemetry/intelroute-metrics';
import { silentLogger, type Logger } from '../../src/telemetry/logger';
import { eventually } from './eventually';
import { testBrokers, uniqueName } from './kafka';

/** The member countries of gateway tests (every destination the fixtures name). */
export const TEST_MEMBERS = ['BE', 'DE', 'DK', 'ES', 'FR', 'IT', 'NL'] as const;

/** A CA with a server certificate and client certificates made on demand, in a temp folder. */
export class TestCertificates {
  private readonly issued = new Set<string>();
  private constructor(readonly dir: string) {}

  static async create(): Promise<TestCertificates> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-certs-'));
    await initCertFolder({ dir });
    return new TestCertificates(dir);
  }

  /** Client certificate and key files of `urn` (issued the first time). */
  async client(urn: string): Promise<{ certFile: string; keyFile: string; caFile: string }> {
    const name = urn.slice('urn:intelroute:'.length).replaceAll(':', '.');
    if (!this.issued.has(urn)) {
      await issueClientCertificateFiles({ dir: this.dir, urn });
      this.issued.add(urn);
    }
    return {
      caFile: path.join(this.dir, 'ca.crt'),
      certFile: path.join(this.dir, 'clients', `${name}.crt`),
      keyFile: path.join(this.dir, 'clients', `${name}.key`),
    };
  }
}

/** How a test client of the gateway retries (the SDK's own defaults when unset). */
export type TestClientOptions = Pick<
  GatewayClientOptions,
  'retry' | 'reconnect' | 'defaultDeadlineMs'
>;

export interface TestGateway {
  readonly gateway: Gateway;
  readonly config: IntelrouteConfig;
  readonly prefix: string;
  readonly address: string;
  readonly certs: TestCertificates;
  /** A kafkajs client on the admin brokers (never through a fault proxy); closed by nothing. */
  readonly kafka: KafkaClient;
  /** A client with `urn`'s certificate (closed by `stop`). */
  client(urn: string, options?: TestClientOptions): Promise<GatewayClient>;
  /** `prefix + name`: a topic of this gateway. */
  topic(name: string): string;
  /** Closes the clients and stops the gateway (idempotent). */
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Where the gateway's Kafka client bootstraps (default: the test broker; e.g. a fault proxy). */
  readonly brokers?: readonly string[];
  /** Where topics are provisioned from (default: `brokers`). */
  readonly adminBrokers?: readonly string[];
  /** Partitions of each topic (default 2). */
  readonly partitions?: number;
  readonly gateway?: Partial<GatewayConfig>;
  /** The gateway's Kafka client timeouts (a broker frozen longer than the request timeout). */
  readonly kafka?: { readonly requestTimeoutMs?: number; readonly connectionTimeoutMs?: number };
  readonly certs?: TestCertificates;
  readonly logger?: Logger;
  /** The topics of an earlier gateway (a restart): its prefix. */
  readonly prefix?: string;
  /** Sign audit chain heads with the TLS key, as `intelroute start` does (default true). */
  readonly signHeads?: boolean;
  /** The gateway's instruments (default: none recorded). */
  readonly metrics?: IntelrouteMetrics;
}

/**
 * The one gateway harness: a gateway on 127.0.0.1:0 over mTLS built by the composition root
 * (src/app) as `intelroute start` builds it, with its own topic prefix (topics provisioned for
 * TEST_MEMBERS) on the test broker, or on `brokers`.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const brokers = options.brokers ?? testBrokers();
  const kafka = createKafkaClient({
    brokers: options.adminBrokers ?? brokers,
    clientId: 'gateway-test-admin',
    logger: silentLogger(),
  });
  const topics = await provisionTestTopics(kafka, options.partitions ?? 2, options.prefix);
  const base = loadConfig({ env: {} });
  const certs = options.certs ?? (await TestCertificates.create());
  const config: IntelrouteConfig = {
    ...base,
    kafka: { ...base.kafka, brokers: [...brokers] },
    topics,
    gateway: {
      ...base.gateway,
      port: 0,
      tls: { ...base.gateway.tls, certsDir: certs.dir },
      ...options.gateway,
    },
  };
  const logger = options.logger ?? silentLogger();
  const gatewayKafka = createKafkaClient({
    brokers,
    clientId: 'gateway-test',
    logger,
    ...options.kafka,
  });
  const gateway = buildGateway(config, {
    kafka: gatewayKafka,
    logger,
    ...(options.signHeads === false ? { signHeads: false } : {}),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  await gateway.start();
  const clients: GatewayClient[] = [];
  const address = `127.0.0.1:${gateway.port}`;
  let stopped: Promise<void> | undefined;
  return {
    gateway,
    config,
    prefix: topics.prefix,
    address,
    certs,
    kafka,
    topic: (name) => `${topics.prefix}${name}`,
    client: async (urn, clientOptions = {}) => {
      const files = await certs.client(urn);
      const client = createGatewayClient({
        address,
        tls: { ...files, serverName: 'localhost' },
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    stop: () => {
      stopped ??= (async () => {
        clients.forEach((client) => client.close());
        await gateway.stop();
      })();
      return stopped;
    },
  };
}

/**
 * The topics of a fresh prefix (or `prefix`) for TEST_MEMBERS, created and led before it
 * returns. On a multi-node cluster a topic just created is listed by one broker before another
 * knows it, and the plan's settle check can then fail with UNKNOWN_TOPIC_OR_PARTITION: applying
 * again is idempotent, so a retriable failure is retried.
 */
export async function provisionTestTopics(
  kafka: KafkaClient,
  partitions: number,
  prefix = `${uniqueName('gw')}.`,
): Promise<IntelrouteConfig['topics']> {
  const base = loadConfig({ env: {} });
  const topics = { ...base.topics, prefix, partitions, memberCountries: [...TEST_MEMBERS] };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const plan = () => applyTopicPlan({ admin, topics, memberCountries: [...TEST_MEMBERS] });
    const result = await withRetries(plan);
    const created = result.changes.flatMap((c) => (c.kind === 'create' ? [c.spec.name] : []));
    // Leaders of new partitions are elected a moment after creation.
    const led = () =>
      Promise.all(created.map((name) => admin.fetchTopicOffsets(name))).then(
        () => true,
        () => false,
      );
    await eventually(led, Boolean, { timeoutMs: 30_000 });
  } finally {
    await admin.disconnect();
  }
  return topics;
}

async function withRetries<T>(apply: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apply();
    } catch (error) {
      const retriable = (error as { retriable?: unknown } | null)?.retriable === true;
      if (!retriable || attempt >= 5) throw error;
      await sleep(1000);
    }
  }
}
