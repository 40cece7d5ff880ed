import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initCertFolder, issueClientCertificateFiles } from '../../src/identity/certs';
import { createGatewayClient, type GatewayClient } from '../../src/client';
import { loadConfig, type GatewayConfig, type IntelrouteConfig } from '../../src/config';
import { createKafkaClient } from '../../src/kafka/kafka-client';
import { applyTopicPlan } from '../../src/kafka/topic-provisioning';
import { buildGateway } from '../../src/app/gateway';
import type { Gateway } from '../../src/gateway/gateway';
import { silentLogger, type Logger } from '../../src/telemetry/logger';
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

export interface TestGateway {
  readonly gateway: Gateway;
  readonly config: IntelrouteConfig;
  readonly prefix: string;
  readonly address: string;
  readonly certs: TestCertificates;
  /** A client with `urn`'s certificate (closed by `stop`). */
  client(urn: string, options?: { retry?: false }): Promise<GatewayClient>;
  /** `prefix + name`: a topic of this gateway. */
  topic(name: string): string;
  stop(): Promise<void>;
}

/**
 * A gateway on 127.0.0.1:0 over mTLS, with its own topic prefix (topics provisioned for
 * TEST_MEMBERS) on the test broker, or on `brokers`.
 */
export async function startTestGateway(
  options: {
    brokers?: readonly string[];
    gateway?: Partial<GatewayConfig>;
    certs?: TestCertificates;
    logger?: Logger;
    /** The topics of an earlier gateway (a restart): its prefix. */
    prefix?: string;
  } = {},
): Promise<TestGateway> {
  const prefix = options.prefix ?? `${uniqueName('gw')}.`;
  const brokers = options.brokers ?? testBrokers();
  const base = loadConfig({ env: {} });
  const certs = options.certs ?? (await TestCertificates.create());
  const config: IntelrouteConfig = {
    ...base,
    kafka: { ...base.kafka, brokers },
    topics: { ...base.topics, prefix, partitions: 2, memberCountries: [...TEST_MEMBERS] },
    gateway: {
      ...base.gateway,
      port: 0,
      tls: { ...base.gateway.tls, certsDir: certs.dir },
      ...options.gateway,
    },
  };
  const kafka = createKafkaClient({ brokers, clientId: 'gateway-test', logger: silentLogger() });
  const admin = kafka.admin();
  await admin.connect();
  await applyTopicPlan({ admin, topics: config.topics, memberCountries: [...TEST_MEMBERS] });
  await admin.disconnect();
  // Built as `intelroute start` builds it: its audit chain heads signed with its TLS key.
  const gateway = buildGateway(config, { kafka, logger: options.logger ?? silentLogger() });
  await gateway.start();
  const clients: GatewayClient[] = [];
  const address = `127.0.0.1:${gateway.port}`;
  return {
    gateway,
    config,
    prefix,
    address,
    certs,
    topic: (name) => `${prefix}${name}`,
    client: async (urn, clientOptions = {}) => {
      const files = await certs.client(urn);
      const client = createGatewayClient({
        address,
        tls: { ...files, serverName: 'localhost' },
        ...(clientOptions.retry === false ? { retry: false } : {}),
      });
      clients.push(client);
      return client;
    },
    stop: async () => {
      clients.forEach((client) => client.close());
      await gateway.stop();
    },
  };
}
