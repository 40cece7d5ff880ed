import { readFileSync } from 'node:fs';
import { auditTopicsFor } from '../audit/audit-outbound';
import { trustedWriterKeys } from '../audit/writer-keys';
import type { IntelrouteConfig } from '../config';
import { gatewayTlsFiles } from '../gateway/grpc/server-credentials';
import type { KafkaClient } from '../kafka/kafka-connection';
import type { Logger } from '../telemetry/logger';
import type { AckLatencyWindow } from './ack-latency-window';
import { AuditIndex } from './audit-index';
import { AuditTail } from './audit-tail';
import { ClusterWatch } from './cluster-watch';
import { accessModeOf } from './console-access';
import type { FlowSnapshot, HealthView } from './console-model';
import {
  startConsoleServer,
  type ConsoleServer,
  type ConsoleSources,
  type ConsoleTls,
} from './console-server';
import { IntegrityCheck } from './integrity-check';

export interface OpsConsoleOptions {
  readonly config: Pick<IntelrouteConfig, 'console' | 'gateway' | 'topics' | 'audit'>;
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  /** Names its consumer group. */
  readonly instanceId: string;
  /** The gateway of this process, when one runs here (`start`): its health and ack latency. */
  readonly gateway?: { readonly isReady: () => boolean; readonly ackLatency: AckLatencyWindow };
}

/**
 * The ops console: an index of the audit trail fed by reading the audit topic, the cluster's
 * broker and reader-lag figures, "verify now", and the web server showing them. Started after
 * the gateway (it reads what the gateway writes), stopped before it.
 */
export class OpsConsole {
  private readonly index: AuditIndex;
  private readonly tail: AuditTail;
  private readonly cluster: ClusterWatch;
  private readonly integrity: IntegrityCheck;
  private server: ConsoleServer | null = null;

  constructor(private readonly options: OpsConsoleOptions) {
    const { config, kafka } = options;
    const logger = options.logger.child({ component: 'console' });
    const topics = auditTopicsFor(config.topics.prefix);
    this.index = new AuditIndex({
      maxMessages: config.console.maxMessages,
      maxRefusals: config.console.maxRefusals,
    });
    this.tail = new AuditTail({
      kafka,
      logger,
      topic: topics.audit,
      index: this.index,
      instanceId: options.instanceId,
    });
    this.cluster = new ClusterWatch({ kafka, logger, topicPrefix: config.topics.prefix });
    this.integrity = new IntegrityCheck({
      kafka,
      logger,
      topics,
      trustedKeys: () => trustedWriterKeys(config),
    });
  }

  /**
   * Checks the access settings, starts reading the trail and serves. Resolves once it serves;
   * the trail is read to its end in the background (`ready` says when).
   * @throws IntelrouteError CONFIG_INVALID (access, TLS files, address), Kafka errors.
   */
  async start(): Promise<void> {
    const { config, logger } = this.options;
    const mode = accessModeOf(config.console);
    const tls = mode === 'mtls' ? consoleTls(config) : null;
    await this.tail.start();
    this.cluster.start();
    this.server = await startConsoleServer({
      host: config.console.host,
      port: config.console.port,
      mode,
      tls,
      sources: this.sources(),
      traceUrl: config.console.traceUrl,
      logger,
    });
    logger.info({ url: this.server.url, access: mode }, 'ops console serving');
  }

  /** Idempotent. */
  async stop(): Promise<void> {
    await this.server?.close();
    await this.cluster.stop();
    await this.tail.stop();
  }

  /**
   * SIGHUP: re-reads the TLS files (after `intelroute certs revoke` the CRL): new connections
   * are checked against it. A no-op without mTLS.
   * @throws IntelrouteError CONFIG_INVALID when the files cannot be read (the old ones stay).
   */
  reloadTls(): void {
    if (this.server === null || accessModeOf(this.options.config.console) !== 'mtls') return;
    this.server.updateTls(consoleTls(this.options.config));
  }

  /** Resolves with a reason once the console stopped reading the audit trail; never otherwise. */
  get failure(): Promise<string> {
    return this.tail.failure.then(
      (reason) => `the ops console stopped reading the audit trail: ${reason}`,
    );
  }

  /** Serving and caught up with the trail as it was at start. */
  get ready(): boolean {
    return this.server !== null && this.tail.live;
  }

  get url(): string | null {
    return this.server?.url ?? null;
  }

  get port(): number | null {
    return this.server?.port ?? null;
  }

  private sources(): ConsoleSources {
    return {
      flow: () => this.flow(),
      search: (query) => this.index.search(query),
      refusals: (filter, limit) => this.index.refusals(filter, limit),
      integrity: () => this.integrity.view(this.index.chains()),
      verifyNow: () => void this.integrity.verifyNow(),
    };
  }

  private flow(): FlowSnapshot {
    const { gateway } = this.options;
    const health: HealthView = {
      gateway: gateway === undefined ? 'absent' : gateway.isReady() ? 'serving' : 'not ready',
      brokers: this.cluster.brokerHealth(),
      auditTail: this.tail.health(),
    };
    return {
      ...this.index.flow(),
      at: new Date().toISOString(),
      ackLatency: gateway?.ackLatency.summary() ?? null,
      readers: this.cluster.readerLags(),
      health,
    };
  }
}

/** The gateway's server certificate and CA (and CRL): operators hold certificates of that CA. */
function consoleTls(config: Pick<IntelrouteConfig, 'gateway'>): ConsoleTls {
  const files = gatewayTlsFiles(config.gateway);
  return {
    ca: readFileSync(files.ca),
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ...(files.crl === undefined ? {} : { crl: readFileSync(files.crl) }),
  };
}
