import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import {
  createGatewayClient,
  type GatewayClient,
  type RetryPolicyInput,
} from '../../../src/client';
import { loadConfig, type GatewayConfig, type IntelrouteConfig } from '../../../src/config';
import { buildGateway } from '../../../src/app/gateway';
import type { Gateway } from '../../../src/gateway/gateway';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { applyTopicPlan } from '../../../src/kafka/topic-provisioning';
import { silentLogger, type Logger } from '../../../src/telemetry/logger';
import { eventually } from '../../helpers/eventually';
import { TEST_MEMBERS, TestCertificates } from '../../helpers/gateway-harness';
import { uniqueName } from '../../helpers/kafka';

/** Settings of the gateway's own Kafka client (the composition root takes them from config). */
export interface GatewayKafkaSettings {
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
}

export interface FaultGatewayOptions {
  /** Where the gateway's Kafka client bootstraps (e.g. a fault proxy). */
  readonly brokers: readonly string[];
  /** Where topics are provisioned and checked from (default: `brokers`). */
  readonly adminBrokers?: readonly string[];
  readonly partitions?: number;
  readonly gateway?: Partial<GatewayConfig>;
  readonly kafka?: GatewayKafkaSettings;
  readonly logger?: Logger;
}

/** Client policies for fault tests: patient retries, so a fault costs latency, not messages. */
export interface FaultClientOptions {
  readonly retry?: RetryPolicyInput | false;
  readonly reconnect?: RetryPolicyInput;
  readonly defaultDeadlineMs?: number;
}

export interface FaultGateway {
  readonly gateway: Gateway;
  readonly config: IntelrouteConfig;
  readonly prefix: string;
  readonly address: string;
  readonly certs: TestCertificates;
  /** A kafkajs client on the admin brokers (direct, never through a fault proxy). */
  readonly kafka: Kafka;
  topic(name: string): string;
  client(urn: string, options?: FaultClientOptions): Promise<GatewayClient>;
  /** Closes the clients and stops the gateway (idempotent). */
  stop(): Promise<void>;
}

/** The topics of a fresh prefix for TEST_MEMBERS, created and led before it returns. */
export async function provisionFaultTopics(
  kafka: Kafka,
  partitions: number,
  prefix = `${uniqueName('fault')}.`,
): Promise<IntelrouteConfig['topics']> {
  const base = loadConfig({ env: {} });
  const topics = { ...base.topics, prefix, partitions, memberCountries: [...TEST_MEMBERS] };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await applyWithRetries(() =>
      applyTopicPlan({ admin, topics, memberCountries: [...TEST_MEMBERS] }),
    );
    const created = result.changes.flatMap((c) => (c.kind === 'create' ? [c.spec.name] : []));
    // Leaders of new partitions are elected a moment after creation.
    await eventually(
      () =>
        Promise.all(created.map((name) => admin.fetchTopicOffsets(name))).then(
          () => true,
          () => false,
        ),
      Boolean,
      { timeoutMs: 30_000 },
    );
  } finally {
    await admin.disconnect();
  }
  return topics;
}

/**
 * On a multi-node cluster a topic just created is listed by one broker before another one knows
 * it, and the plan's settle check can then fail with UNKNOWN_TOPIC_OR_PARTITION (reported to the
 * lead: topic-admin.ts should treat it as "not visible yet"). Applying again is idempotent.
 */
async function applyWithRetries<T>(apply: () => Promise<T>): Promise<T> {
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

/**
 * The in-process gateway of the integration harness, with what fault tests need on top: the
 * Kafka client's timeouts (a broker frozen longer than the request timeout), an admin path that
 * bypasses a fault proxy, more partitions, and clients with patient retry policies.
 */
export async function startFaultGateway(options: FaultGatewayOptions): Promise<FaultGateway> {
  const adminKafka = createKafkaClient({
    brokers: options.adminBrokers ?? options.brokers,
    clientId: 'fault-admin',
    logger: silentLogger(),
  });
  const topics = await provisionFaultTopics(adminKafka, options.partitions ?? 3);
  const base = loadConfig({ env: {} });
  const certs = await TestCertificates.create();
  const config: IntelrouteConfig = {
    ...base,
    kafka: { ...base.kafka, brokers: [...options.brokers] },
    topics,
    gateway: {
      ...base.gateway,
      port: 0,
      tls: { ...base.gateway.tls, certsDir: certs.dir },
      // One identity sends thousands of messages a second here: the limit is not under test.
      rateLimitPerSecond: 1_000_000,
      rateLimitBurst: 1_000_000,
      ...options.gateway,
    },
  };
  const logger = options.logger ?? silentLogger();
  // Unsigned chain heads, as these ledgers were measured (signing is not under test here).
  const gateway = buildGateway(config, {
    signHeads: false,
    kafka: createKafkaClient({
      brokers: options.brokers,
      clientId: 'fault-gateway',
      logger,
      ...(options.kafka?.requestTimeoutMs === undefined
        ? {}
        : { requestTimeoutMs: options.kafka.requestTimeoutMs }),
      ...(options.kafka?.connectionTimeoutMs === undefined
        ? {}
        : { connectionTimeoutMs: options.kafka.connectionTimeoutMs }),
    }),
    logger,
  });
  await gateway.start();
  const address = `127.0.0.1:${gateway.port}`;
  const clients: GatewayClient[] = [];
  let stopped: Promise<void> | undefined;
  return {
    gateway,
    config,
    prefix: topics.prefix,
    address,
    certs,
    kafka: adminKafka,
    topic: (name) => `${topics.prefix}${name}`,
    client: async (urn, clientOptions = {}) => {
      const client = createGatewayClient({
        address,
        tls: { ...(await certs.client(urn)), serverName: 'localhost' },
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
