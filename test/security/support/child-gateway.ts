import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { applyTopicPlan } from '../../../src/kafka/topic-provisioning';
import { findFreePort } from '../../../src/kafka/local/free-port';
import { startCli, waitForLine } from '../../helpers/cli';
import { TEST_MEMBERS, TestCertificates } from '../../helpers/gateway-harness';
import { testBrokers, testKafkaClient, uniqueName } from '../../helpers/kafka';

/** A gateway run as `node dist/cli/main.js gateway`, so its memory can be measured alone. */
export interface ChildGateway {
  readonly process: ChildProcessWithoutNullStreams;
  readonly pid: number;
  readonly port: number;
  readonly address: string;
  readonly prefix: string;
  readonly certs: TestCertificates;
  /** The gateway's resident set size now, in MiB (VmRSS of /proc/<pid>/status). */
  rssMiB(): number;
  /** The gateway's open file descriptors now (entries of /proc/<pid>/fd). */
  descriptorCount(): number;
  /** The last lines (at most 2,000) the gateway logged (stderr), at `logLevel`. */
  logLines(): string[];
  /** True while the process runs. */
  alive(): boolean;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts the compiled gateway on a free loopback port with its own topic prefix (topics
 * provisioned for TEST_MEMBERS) and certificate folder. `config` is written to a YAML file
 * passed as INTELROUTE_CONFIG (only gateway settings the environment cannot carry).
 */
export async function startChildGateway(
  options: {
    certs?: TestCertificates;
    config?: Record<string, unknown>;
    logLevel?: 'error' | 'warn' | 'info';
    /** Kafka of its own (a fault scenario's cluster); default: the shared test broker. */
    brokers?: readonly string[];
  } = {},
): Promise<ChildGateway> {
  const prefix = `${uniqueName('sec')}.`;
  const brokers = options.brokers ?? testBrokers();
  const kafka = testKafkaClient(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = { ...loadConfig({ env: {} }).topics, prefix, partitions: 2 };
  await applyTopicPlan({ admin, topics, memberCountries: [...TEST_MEMBERS] });
  await admin.disconnect();

  const certs = options.certs ?? (await TestCertificates.create());
  const port = await findFreePort();
  const configFile = path.join(certs.dir, 'gateway-config.json');
  writeFileSync(configFile, JSON.stringify({ gateway: options.config ?? {} }));
  const child = startCli(['gateway'], {
    KAFKA_BROKERS: brokers.join(','),
    INTELROUTE_TOPIC_PREFIX: prefix,
    INTELROUTE_MEMBER_COUNTRIES: TEST_MEMBERS.join(','),
    INTELROUTE_CERTS_DIR: certs.dir,
    INTELROUTE_GATEWAY_PORT: String(port),
    INTELROUTE_CONFIG: configFile,
    INTELROUTE_LOG_LEVEL: options.logLevel ?? 'error',
  });
  // Drain its output so a full pipe never blocks it; keep the last log lines.
  const logged: string[] = [];
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    logged.push(...lines);
    logged.splice(0, Math.max(0, logged.length - 2000));
  });
  await waitForLine(child, /^gateway: /, 60_000);
  child.stdout.resume();
  const pid = child.pid as number;
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    process: child,
    pid,
    port,
    address: `127.0.0.1:${port}`,
    prefix,
    certs,
    rssMiB: () => vmRssMiB(pid),
    descriptorCount: () => readdirSync(`/proc/${pid}/fd`).length,
    logLines: () => [...logged],
    alive: () => exitCode === undefined,
    stop: async (graceMs = 15_000) => {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** VmRSS of a process, in MiB. */
export function vmRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Samples a process's RSS every `intervalMs` until stopped; reports the peak. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling; the highest RSS seen, in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    try {
      this.peak = Math.max(this.peak, vmRssMiB(this.pid));
    } catch {
      // the process is gone: the caller's liveness check reports it
    }
  }
}
