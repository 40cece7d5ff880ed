import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { IntelrouteError } from '../../core/errors';
import type { LocalNodeSpec } from './node-properties';

export type KafkaNodeState = 'stopped' | 'running' | 'paused' | 'crashed';

/** How a JVM ended: its exit code, or the signal that ended it. */
export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface KafkaNodeProcessOptions {
  readonly spec: LocalNodeSpec;
  readonly javaExecutable: string;
  readonly libsDir: string;
  readonly heapMb: number;
  readonly propertiesFile: string;
  /** The JVM flag naming the logging configuration (see broker-logging.ts). */
  readonly loggingFlag: string;
}

/**
 * One broker+controller JVM. It runs in its own process group, so a terminal's Ctrl-C reaches
 * intelroute first and intelroute stops the broker last, after the gateway has drained. A small
 * watchdog shell holds a pipe from this process: if this process dies without stopping the JVM
 * (even by SIGKILL), the pipe closes and the watchdog kills the JVM, so no broker outlives us.
 */
export class KafkaNodeProcess {
  private java: ChildProcess | undefined;
  private watchdog: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private currentState: KafkaNodeState = 'stopped';
  private stopping = false;
  private readonly crashListeners = new Set<(exit: NodeExit) => void>();

  constructor(private readonly options: KafkaNodeProcessOptions) {}

  get state(): KafkaNodeState {
    return this.currentState;
  }

  get nodeId(): number {
    return this.options.spec.nodeId;
  }

  get pid(): number | undefined {
    return this.java?.pid;
  }

  get logFile(): string {
    return path.join(this.options.spec.logDir, 'server.log');
  }

  /** Launches the JVM; readiness is checked by the cluster (metadata requests). */
  launch(): void {
    if (this.currentState === 'running' || this.currentState === 'paused') return;
    const { spec, javaExecutable, libsDir, heapMb, propertiesFile, loggingFlag } = this.options;
    const stdoutFd = openSync(path.join(spec.logDir, 'stdout.log'), 'a');
    const args = [
      `-Xms${Math.min(256, heapMb)}m`,
      `-Xmx${heapMb}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      loggingFlag,
      `-Dkafka.logs.dir=${spec.logDir}`,
      '-cp',
      path.join(libsDir, '*'),
      'kafka.Kafka',
      propertiesFile,
    ];
    const java = spawn(javaExecutable, args, {
      detached: true,
      stdio: ['ignore', stdoutFd, stdoutFd],
    });
    closeSync(stdoutFd);
    this.java = java;
    this.stopping = false;
    this.currentState = 'running';
    this.exited = new Promise((resolve) => {
      java.once('exit', (code, exitSignal) => {
        if (!this.stopping) {
          this.currentState = 'crashed';
          for (const listener of this.crashListeners) listener({ code, signal: exitSignal });
        }
        this.watchdog?.kill('SIGKILL');
        this.watchdog = undefined;
        resolve();
      });
      java.once('error', () => resolve());
    });
    this.watchdog = startWatchdog(java.pid);
  }

  /** Controlled shutdown (SIGTERM), then SIGKILL after `graceMs`. Idempotent. */
  async stop(graceMs: number): Promise<void> {
    const java = this.java;
    if (java === undefined || this.currentState === 'stopped') return;
    this.stopping = true;
    if (this.currentState === 'paused') signal(java, 'SIGCONT');
    signal(java, 'SIGTERM');
    const timer = setTimeout(() => signal(java, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.currentState = 'stopped';
  }

  /** SIGKILL: the node dies at once, as in a power cut. */
  async kill(): Promise<void> {
    const java = this.java;
    if (java === undefined || this.currentState === 'stopped') return;
    this.stopping = true;
    signal(java, 'SIGKILL');
    await this.exited;
    this.currentState = 'stopped';
  }

  /** SIGSTOP: the node freezes (no answers, connections stay open) until resume(). */
  pause(): void {
    if (this.java !== undefined && this.currentState === 'running') {
      signal(this.java, 'SIGSTOP');
      this.currentState = 'paused';
    }
  }

  resume(): void {
    if (this.java !== undefined && this.currentState === 'paused') {
      signal(this.java, 'SIGCONT');
      this.currentState = 'running';
    }
  }

  /** Resolves when the JVM has exited (at once if none runs). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Calls `listener` when the JVM exits without having been told to; returns the unsubscribe. */
  onCrash(listener: (exit: NodeExit) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    child.kill(name);
  } catch {
    // Already gone: nothing to signal.
  }
}

function startWatchdog(javaPid: number | undefined): ChildProcess | undefined {
  if (javaPid === undefined) {
    throw new IntelrouteError('KAFKA_START_FAILED', 'the Kafka JVM did not start (no pid)');
  }
  // `read` returns when our end of the pipe closes, i.e. when this Node process is gone.
  const script = 'read _ignored; kill -9 "$1" 2>/dev/null; exit 0';
  const watchdog = spawn('sh', ['-c', script, 'intelroute-kafka-watchdog', String(javaPid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  // The pipe is a net.Socket: unref it so the watchdog never keeps this process alive.
  const pipe = watchdog.stdin as Socket | null;
  pipe?.on('error', () => undefined);
  pipe?.unref();
  return watchdog;
}
