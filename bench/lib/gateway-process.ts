/**
 * The gateway under test, as a user runs it: the compiled CLI (`node dist/cli/main.js gateway`)
 * in a child process, configured through the environment and a bench config file, over mTLS.
 * Its memory is read from /proc (VmRSS, VmHWM) and, through a preloaded probe, from
 * `process.memoryUsage()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { IntelrouteError } from '../../src/core/errors';
import { BENCH_MEMBERS, PROJECT_DIR } from './messages';
import { processCpuSeconds } from './machine';

export interface GatewayProcessOptions {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
  readonly certsDir: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** Bench overrides of the gateway config (merged into `gateway:` of the config file). */
  readonly gatewayConfig?: Readonly<Record<string, unknown>>;
  readonly startTimeoutMs?: number;
  readonly memoryIntervalMs?: number;
  /** Extra environment of the child (over this process's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Full GC before each probe sample (adds --expose-gc): heapUsed is then the live heap. */
  readonly gcBeforeSample?: boolean;
}

/** One reading of the child's memory. */
export interface MemorySample {
  readonly atMs: number;
  readonly rssMb: number;
  readonly hwmMb: number;
  readonly heapUsedMb?: number;
  readonly heapTotalMb?: number;
}

export interface ProbeSample {
  readonly atMs: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** True when a full GC ran just before this sample. */
  readonly gc: boolean;
  /** Event-loop delay since the previous sample: p99 and max, ms (older probes: absent). */
  readonly loopP99Ms?: number;
  readonly loopMaxMs?: number;
  /** GC pauses since the previous sample: the longest and their sum, ms. */
  readonly gcMaxMs?: number;
  readonly gcTotalMs?: number;
}

/**
 * The settings every bench gateway runs with besides the defaults: the per-identity rate limit
 * is lifted (the bench measures the gateway's cost, not its policy) and logs are warnings only.
 */
export const BENCH_GATEWAY_CONFIG = Object.freeze({
  rateLimitPerSecond: 1_000_000,
  rateLimitBurst: 1_000_000,
});

export class GatewayProcess {
  /** Children still running, so an interrupted bench leaves none behind (see killAll). */
  private static readonly running = new Set<ChildProcess>();

  /** SIGKILLs every gateway child still running (the bench was interrupted). */
  static killAll(): void {
    for (const child of GatewayProcess.running) child.kill('SIGKILL');
  }

  private constructor(
    private readonly child: ChildProcess,
    readonly address: string,
    private readonly memoryFile: string,
    private readonly output: () => string,
  ) {}

  get pid(): number {
    return this.child.pid as number;
  }

  /** Starts the gateway and resolves once it prints `gateway: host:port`. */
  static async start(options: GatewayProcessOptions): Promise<GatewayProcess> {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-bench-gw-'));
    const configFile = path.join(workDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        logLevel: 'warn',
        gateway: { ...BENCH_GATEWAY_CONFIG, ...options.gatewayConfig },
      }),
    );
    const memoryFile = path.join(workDir, 'memory.jsonl');
    const probe = compileProbe(workDir);
    const child = spawn(
      process.execPath,
      [
        ...(options.nodeFlags ?? []),
        ...(options.gcBeforeSample === true ? ['--expose-gc'] : []),
        '--require',
        probe,
        path.join(PROJECT_DIR, 'dist', 'cli', 'main.js'),
        'gateway',
      ],
      {
        cwd: workDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          INTELROUTE_CONFIG: configFile,
          KAFKA_BROKERS: options.brokers.join(','),
          INTELROUTE_TOPIC_PREFIX: options.topicPrefix,
          INTELROUTE_MEMBER_COUNTRIES: BENCH_MEMBERS.join(','),
          INTELROUTE_CERTS_DIR: options.certsDir,
          INTELROUTE_GATEWAY_PORT: '0',
          INTELROUTE_GATEWAY_HOST: '127.0.0.1',
          BENCH_MEMORY_FILE: memoryFile,
          BENCH_MEMORY_INTERVAL_MS: String(options.memoryIntervalMs ?? 1000),
          BENCH_MEMORY_GC: options.gcBeforeSample === true ? '1' : '0',
          ...options.env,
        },
      },
    );
    GatewayProcess.running.add(child);
    child.once('exit', () => GatewayProcess.running.delete(child));
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = `${output}${chunk.toString('utf8')}`.slice(-16_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const address = await waitForAddress(child, () => output, options.startTimeoutMs ?? 60_000);
    return new GatewayProcess(child, address, memoryFile, () => output);
  }

  /** VmRSS and VmHWM (peak RSS) of the child now, in MB. */
  memory(): MemorySample {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { atMs: Date.now(), rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  }

  /** CPU seconds the child used so far. */
  cpuSeconds(): number {
    return processCpuSeconds(this.pid) ?? 0;
  }

  /** What the probe recorded so far. */
  probeSamples(): ProbeSample[] {
    if (!existsSync(this.memoryFile)) return [];
    return readFileSync(this.memoryFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ProbeSample);
  }

  /** The child's last output lines (for error messages). */
  tail(): string {
    return this.output().split('\n').slice(-20).join('\n');
  }

  /** SIGTERM and wait for a clean exit (so a --cpu-prof profile gets written). */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) =>
      this.child.once('exit', (code) => resolve(code)),
    );
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}

const LISTENING = /^gateway: (\S+):(\d+) /m;

function waitForAddress(
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => fail(`exited (${code}) before serving`);
    const timer = setTimeout(() => fail(`did not serve within ${timeoutMs} ms`), timeoutMs);
    const settle = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const onData = (): void => {
      const match = LISTENING.exec(output());
      if (match === null) return;
      settle();
      resolve(`${match[1]}:${match[2]}`);
    };
    const fail = (why: string): void => {
      settle();
      child.kill('SIGKILL');
      reject(new IntelrouteError('INTERNAL', `bench gateway ${why}:\n${output().slice(-4000)}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** The memory probe, transpiled to CommonJS for `node --require` (the CLI runs plain JS). */
function compileProbe(workDir: string): string {
  const source = readFileSync(path.join(__dirname, 'memory-probe.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const file = path.join(workDir, 'memory-probe.js');
  writeFileSync(file, outputText);
  return file;
}
