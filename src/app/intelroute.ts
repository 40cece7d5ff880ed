import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type IntelrouteConfig } from '../config';
import { readerInstanceId } from '../services/readers';
import { errorText, IntelrouteError } from '../core/errors';
import { ensureDevCertificates, ensureDevLinkSecret } from '../gateway/dev-certificates';
import type { Gateway } from '../gateway/gateway';
import { createKafkaClient } from '../kafka/kafka-client';
import { openKafkaConnection } from '../kafka/kafka-connection';
import { describeChange } from '../kafka/topic-diff';
import { applyTopicPlan } from '../kafka/topic-provisioning';
import { systemClientSettings } from '../services/shared/service-config';
import type { SystemClientSettings } from '../services/shared/system-publisher';
import { LocalKafkaCluster } from '../kafka/local';
import { noopIntelrouteMetrics, type IntelrouteMetrics, type Logger } from '../telemetry';
import { AckLatencyWindow, metricsFeeding } from '../console/ack-latency-window';
import { accessModeOf } from '../console/console-access';
import { OpsConsole } from '../console/ops-console';
import { buildGateway } from './gateway';
import { checkKafkaReachable, checkPortsFree } from './startup-checks';
import {
  buildLinkDetector,
  buildRequestLedger,
  type SystemService,
  type SystemServiceDeps,
  whenServiceFailed,
} from './system-services';

interface NamedService {
  readonly name: string;
  readonly service: SystemService;
}

/** A system service `start` runs in-process, or why it did not. */
export type ServiceStatus =
  | { readonly name: string; readonly started: true }
  | { readonly name: string; readonly started: false; readonly why: string };

/** A started intelroute: where it listens, and one way to stop everything in order. */
export interface RunningIntelroute {
  readonly brokers: readonly string[];
  readonly localKafka: LocalKafkaCluster | null;
  readonly gateway: Gateway;
  /** The link detector and the request ledger (all-in-one mode), each started or not and why. */
  readonly services: readonly ServiceStatus[];
  /** The folder of development certificates created for this run, if any. */
  readonly devCertsDir: string | null;
  /** The ops console's address (all-in-one mode with console.enabled), else null. */
  readonly consoleUrl: string | null;
  /** SIGHUP: the console re-reads its TLS files (the CRL); logs rather than throws. */
  reloadConsoleTls(): void;
  /** The gateway serves and every started service runs (the readiness probe). */
  ready(): boolean;
  /** Resolves with a reason once a started service stopped by itself (a consumer failed). */
  readonly serviceFailure: Promise<string>;
  /** Stops every component in reverse start order. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly config: IntelrouteConfig;
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * `start`: a local Kafka when none is configured, topics provisioned, the gateway, the link
   * detector and the request ledger. `gateway`: the gateway alone on the configured cluster,
   * topics as they are (operators run `topics apply`).
   */
  readonly mode?: 'all-in-one' | 'gateway-only';
  /** The process's instruments (from startTelemetry at the command's start). */
  readonly metrics?: IntelrouteMetrics;
}

/**
 * The composition root: builds every component from the compiled config, passes dependencies
 * in, and starts them in order (Kafka → topics → gateway → link detector → request ledger).
 * What has started is stopped again in reverse order, also when a later component fails to start.
 */
export async function startIntelroute(options: StartOptions): Promise<RunningIntelroute> {
  const { config, logger } = options;
  const stack: Array<() => Promise<void>> = [];
  const stopAll = once(async () => {
    for (const stop of stack.reverse()) await stop();
  });
  try {
    const allInOne = (options.mode ?? 'all-in-one') === 'all-in-one';
    const withConsole = allInOne && config.console.enabled;
    // Checks that fail in milliseconds first: nothing slow starts to be stopped again.
    if (withConsole) accessModeOf(config.console);
    await checkPortsFree(config, options.env, { console: withConsole });
    const { brokers, localKafka } = await kafkaOf(options, allInOne, stack);
    if (allInOne) await provisionTopics(config, brokers, logger);
    const dev = await withDevMaterial(config, logger);
    const kafka = createKafkaClient({ ...config.kafka, brokers, logger });
    const metrics = options.metrics === undefined ? {} : { metrics: options.metrics };
    const ackLatency = new AckLatencyWindow();
    const gatewayMetrics = withConsole
      ? { metrics: metricsFeeding(options.metrics ?? noopIntelrouteMetrics(), ackLatency) }
      : metrics;
    const gateway = buildGateway(dev.config, { kafka, logger, ...gatewayMetrics });
    stack.push(() => gateway.stop());
    await gateway.start();
    const services = allInOne
      ? await startSystemServices(dev.config, { kafka, logger, ...metrics }, gateway, stack)
      : { statuses: [], running: [] };
    const opsConsole = withConsole
      ? new OpsConsole({
          config: dev.config,
          kafka,
          logger,
          instanceId: readerInstanceId(null, 'console'),
          gateway: { isReady: () => gateway.ready, ackLatency },
        })
      : null;
    if (opsConsole !== null) {
      stack.push(() => opsConsole.stop());
      await opsConsole.start();
    }
    return {
      brokers,
      localKafka,
      gateway,
      services: services.statuses,
      devCertsDir: dev.devCertsDir,
      consoleUrl: opsConsole?.url ?? null,
      reloadConsoleTls: () => {
        try {
          opsConsole?.reloadTls();
        } catch (error) {
          logger.error(
            { err: errorText(error) },
            'console TLS files not reloaded; the old ones stay',
          );
        }
      },
      // Not the console: it only shows, and the gateway serves whether it has caught up or not.
      ready: () => gateway.ready && services.running.every(({ service }) => service.running),
      serviceFailure: firstFailure(services.running),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function kafkaOf(
  options: StartOptions,
  allInOne: boolean,
  stack: Array<() => Promise<void>>,
): Promise<{ brokers: readonly string[]; localKafka: LocalKafkaCluster | null }> {
  const { config, logger } = options;
  if (config.kafka.brokers !== null) {
    await checkKafkaReachable(config, config.kafka.brokers, options.env);
    return { brokers: config.kafka.brokers, localKafka: null };
  }
  if (!allInOne) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'no Kafka cluster configured: set KAFKA_BROKERS (or run `intelroute start`, which starts a local one)',
    );
  }
  logger.info('KAFKA_BROKERS is not set: starting a local Kafka broker');
  const cluster = await LocalKafkaCluster.start({ ...config.localKafka, env: options.env, logger });
  stack.push(() => cluster.stop());
  for (const node of cluster.nodes()) {
    logger.info({ node: node.nodeId, pid: node.pid, log: node.logFile }, 'local Kafka node up');
  }
  return { brokers: cluster.brokers, localKafka: cluster };
}

/**
 * The link detector and the request ledger, each started when what it needs is there (mTLS to
 * the gateway, its client certificate, for the detector the network secret) and otherwise said
 * why not. Their gateway client calls this process's gateway.
 */
async function startSystemServices(
  config: IntelrouteConfig,
  deps: Omit<SystemServiceDeps, 'instanceId' | 'client'>,
  gateway: Gateway,
  stack: Array<() => Promise<void>>,
): Promise<{ statuses: ServiceStatus[]; running: NamedService[] }> {
  const statuses: ServiceStatus[] = [];
  const running: NamedService[] = [];
  const plans = [
    { name: 'link detector', component: 'link-detector', build: buildLinkDetector },
    { name: 'request ledger', component: 'request-ledger', build: buildRequestLedger },
  ];
  for (const plan of plans) {
    const missing = missingForSystemService(config, plan.component);
    if (missing !== undefined) {
      // Not `service`: every line's `service` names the process (intelroute).
      deps.logger.warn({ systemService: plan.name, why: missing }, `${plan.name} not started`);
      statuses.push({ name: plan.name, started: false, why: missing });
      continue;
    }
    const service = plan.build(config, {
      ...deps,
      instanceId: readerInstanceId(null, plan.component),
      client: localGatewayClient(config, gateway.port),
    });
    stack.push(() => service.stop());
    await service.start();
    statuses.push({ name: plan.name, started: true });
    running.push({ name: plan.name, service });
  }
  return { statuses, running };
}

/** Why a system service cannot run with this config, or undefined when it can. */
function missingForSystemService(config: IntelrouteConfig, component: string): string | undefined {
  if (config.gateway.insecureDev) return 'the gateway runs without mTLS (--insecure-dev)';
  if (component === 'link-detector' && config.links.secretFile === null) {
    return 'no network secret: set links.secretFile or INTELROUTE_LINK_SECRET_FILE';
  }
  const certsDir = config.systemClient.certsDir ?? config.gateway.tls.certsDir;
  const certFile =
    certsDir === null ? undefined : path.join(certsDir, 'clients', `system.${component}.crt`);
  if (certFile === undefined || !existsSync(certFile)) {
    return `no client certificate for urn:intelroute:system:${component} (issue one with \`intelroute certs issue\`)`;
  }
  return undefined;
}

/** The system client's settings, calling this process's gateway unless an address is configured. */
function localGatewayClient(config: IntelrouteConfig, port: number): SystemClientSettings {
  if (config.systemClient.gatewayAddress !== null) return systemClientSettings(config);
  const host = ['0.0.0.0', '::', ''].includes(config.gateway.host)
    ? '127.0.0.1'
    : config.gateway.host;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return systemClientSettings({
    ...config,
    systemClient: { ...config.systemClient, gatewayAddress: address },
  });
}

/** Resolves when one of `services` stopped by itself because a consumer failed; never otherwise. */
function firstFailure(services: readonly NamedService[]): Promise<string> {
  return Promise.race(
    services.map(({ name, service }) =>
      whenServiceFailed(service).then((reason) => `the ${name} stopped: ${reason}`),
    ),
  );
}

/**
 * With no TLS configured and no insecure mode, a fresh machine still gets a secure gateway and
 * working system services: development certificates (the system services' among them) and, when
 * none is configured, a development network secret are created once in the development folder
 * and used.
 */
async function withDevMaterial(
  config: IntelrouteConfig,
  logger: Logger,
): Promise<{ config: IntelrouteConfig; devCertsDir: string | null }> {
  const { gateway } = config;
  const tlsConfigured =
    gateway.tls.certsDir !== null || (gateway.tls.caFile !== null && gateway.tls.certFile !== null);
  if (tlsConfigured || gateway.insecureDev) return { config, devCertsDir: null };
  const dir = gateway.devCertsDir ?? path.join(PROJECT_ROOT, '.intelroute', 'dev-certs');
  await ensureDevCertificates(dir, logger);
  const secretFile = config.links.secretFile ?? ensureDevLinkSecret(dir, logger);
  return {
    config: {
      ...config,
      gateway: { ...gateway, tls: { ...gateway.tls, certsDir: dir } },
      links: { ...config.links, secretFile },
    },
    devCertsDir: dir,
  };
}

async function provisionTopics(
  config: IntelrouteConfig,
  brokers: readonly string[],
  logger: Logger,
): Promise<void> {
  const connection = await openKafkaConnection(
    createKafkaClient({ ...config.kafka, brokers, logger }),
  );
  try {
    const result = await applyTopicPlan({
      admin: connection.admin,
      topics: config.topics,
      memberCountries: config.topics.memberCountries,
    });
    for (const change of result.changes)
      logger.info({ component: 'topics' }, describeChange(change));
    logger.info(
      { component: 'topics', upToDate: result.upToDate.length, changes: result.changes.length },
      'topics provisioned',
    );
  } finally {
    await connection.close();
  }
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}
