/**
 * The profile (on by default; `--no-profile` skips it): a fresh gateway child run with
 * `node --cpu-prof` under the same closed-loop load as the 1 KB throughput run; the profile is
 * written when it exits and summarised (top self-time functions and modules).
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BenchCertificates } from './lib/certs';
import { summarizeCpuProfile, type ProfileSummary } from './lib/cpu-profile';
import { GatewayProcess } from './lib/gateway-process';
import { PROJECT_DIR } from './lib/messages';
import { Publishers, closedLoop } from './lib/publishers';
import type { StreamSetting } from './gateway-throughput';

export interface ProfileOptions {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
  readonly certs: BenchCertificates;
  readonly payload: Buffer;
  readonly streams: StreamSetting;
  readonly messages: number;
  readonly timeoutMs: number;
  /** Where the .cpuprofile is kept (bench/results/, git-ignored). */
  readonly outputDir: string;
  readonly name: string;
}

export interface ProfileResult extends ProfileSummary {
  readonly msgsPerSec: number;
}

export async function runProfile(options: ProfileOptions): Promise<ProfileResult> {
  const dir = path.join(options.outputDir, `.cpu-prof-${options.name}`);
  mkdirSync(dir, { recursive: true });
  const gateway = await GatewayProcess.start({
    brokers: options.brokers,
    topicPrefix: options.topicPrefix,
    certsDir: options.certs.dir,
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  let msgsPerSec: number;
  try {
    msgsPerSec = await drive(gateway, options);
  } finally {
    await gateway.stop();
  }
  const written = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  const file = path.join(options.outputDir, `${options.name}.cpuprofile`);
  renameSync(path.join(dir, written[0] as string), file);
  rmSync(dir, { recursive: true, force: true });
  return {
    ...summarizeCpuProfile(file, 25, PROJECT_DIR),
    file: path.relative(PROJECT_DIR, file),
    msgsPerSec,
  };
}

/** Warms up on a tenth of the count, then measures the count; returns messages per second. */
async function drive(gateway: GatewayProcess, options: ProfileOptions): Promise<number> {
  const publishers = Publishers.open({
    address: gateway.address,
    certs: options.certs,
    ...options.streams,
  });
  try {
    const warmup = Math.round(options.messages / 10);
    await closedLoop(publishers, options.payload, warmup, options.timeoutMs);
    return (await closedLoop(publishers, options.payload, options.messages, options.timeoutMs))
      .msgsPerSec;
  } finally {
    await publishers.close();
  }
}
