/**
 * The ceiling: Apache Kafka's own Java producer performance tool writing the same number of
 * records of the same size as the gateway, acks=all, to one topic. Nothing written from Node
 * can be expected to beat it on this machine and broker.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { IntelrouteError } from '../src/core/errors';
import type { BenchBroker } from './lib/broker';

export interface CeilingOptions {
  readonly broker: BenchBroker;
  readonly topic: string;
  readonly records: number;
  readonly recordBytes: number;
  /** Kill the tool after this long (it is bounded by count, this bounds a stuck broker). */
  readonly timeoutMs: number;
  /**
   * When set, the tool writes in transactions committed every this many ms (its
   * --transaction-duration-ms), like the gateway's group commit.
   */
  readonly transactionDurationMs?: number;
}

export interface CeilingResult {
  readonly name: 'ceiling';
  readonly tool: 'org.apache.kafka.tools.ProducerPerformance';
  readonly records: number;
  readonly recordBytes: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly avgLatencyMs: number;
  readonly p99LatencyMs: number;
  readonly producerProps: readonly string[];
  /** Set when the run was transactional: how often it committed. */
  readonly transactionDurationMs?: number;
}

/**
 * acks=all as required; larger batches and a short linger than the Java defaults (16 KB, 0 ms),
 * which measured 35-40 % faster here: the ceiling is the best the Java client does, as the
 * baseline is the best kafkajs does.
 */
export const CEILING_PROPS = ['acks=all', 'batch.size=262144', 'linger.ms=5'] as const;

/** The tool's final summary line: "N records sent, R records/sec (M MB/sec), A ms avg latency, …". */
const SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/;

/** Runs ProducerPerformance once. @throws IntelrouteError INTERNAL when it fails. */
export async function runCeiling(options: CeilingOptions): Promise<CeilingResult> {
  const { broker } = options;
  const producerProps = [`bootstrap.servers=${broker.brokers.join(',')}`, ...CEILING_PROPS];
  const args = [
    '-Xmx512m',
    '-cp',
    `${path.join(broker.libsDir, '*')}`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(options.recordBytes),
    '--throughput',
    '-1',
    ...(options.transactionDurationMs === undefined
      ? []
      : [
          '--transaction-duration-ms',
          String(options.transactionDurationMs),
          '--transactional-id',
          `intelroute-bench-ceiling-${process.pid}`,
        ]),
    '--producer-props',
    ...producerProps,
  ];
  const output = await runTool(broker.javaExecutable, args, options.timeoutMs);
  const lines = output.split('\n').filter((line) => SUMMARY.test(line));
  const match = SUMMARY.exec(lines[lines.length - 1] ?? '');
  if (match === null) {
    throw new IntelrouteError(
      'INTERNAL',
      `ProducerPerformance printed no summary:\n${output.slice(-2000)}`,
    );
  }
  const field = (index: number): number => Number(match[index]);
  return {
    name: 'ceiling',
    tool: 'org.apache.kafka.tools.ProducerPerformance',
    records: field(1),
    recordBytes: options.recordBytes,
    recordsPerSec: Math.round(field(2)),
    mbPerSec: field(3),
    avgLatencyMs: field(4),
    p99LatencyMs: field(8),
    producerProps: producerProps.slice(1),
    ...(options.transactionDurationMs === undefined
      ? {}
      : { transactionDurationMs: options.transactionDurationMs }),
  };
}

function runTool(java: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = `${output}${chunk.toString('utf8')}`.slice(-64_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(new IntelrouteError('INTERNAL', `cannot run ${java}: ${cause.message}`, { cause }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else
        reject(
          new IntelrouteError(
            'INTERNAL',
            `ProducerPerformance exited ${code}:\n${output.slice(-2000)}`,
          ),
        );
    });
  });
}
