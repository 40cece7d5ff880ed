/**
 * Summarises a V8 `.cpuprofile` (what `node --cpu-prof` writes): self time per function and per
 * module (package or project folder), from the samples and their time deltas.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_STAGES, type StageRule } from './profile-stages';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTimeEntry {
  /** `function (file:line)` or the module name. */
  readonly name: string;
  readonly selfMs: number;
  /** Share of the profile's non-idle time, in percent. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly durationMs: number;
  /** Sampled time not idle, ms (the gateway's CPU time, roughly). */
  readonly busyMs: number;
  readonly topFunctions: readonly SelfTimeEntry[];
  readonly topModules: readonly SelfTimeEntry[];
  /** Busy time per gateway stage (see profile-stages.ts), largest first. */
  readonly stages: readonly SelfTimeEntry[];
}

/** Only '(idle)' is idle: '(program)' is native work (TLS, HTTP/2 framing, syscalls). */
const IDLE = new Set(['(idle)']);

/** Reads `file` and returns the `top` functions and modules by self time. */
export function summarizeCpuProfile(
  file: string,
  top = 25,
  projectDir = process.cwd(),
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  const stages = new Map<string, number>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const stageOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      const text = `${frame === undefined ? '' : shortUrl(frame.url, projectDir)} ${frame?.functionName ?? ''}`;
      const rule = GATEWAY_STAGES.find((r: StageRule) => r.pattern.test(text));
      if (rule !== undefined) return rule.stage;
    }
    return 'other (timers, promises, native)';
  };
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || IDLE.has(frame.functionName)) continue;
    busyUs += us;
    const key = functionLabel(frame, projectDir);
    functions.set(key, (functions.get(key) ?? 0) + us);
    const owner = moduleOf(frame, projectDir);
    modules.set(owner, (modules.get(owner) ?? 0) + us);
    const stage = stageOf(id);
    stages.set(stage, (stages.get(stage) ?? 0) + us);
  }
  const rank = (totals: Map<string, number>, limit = top): SelfTimeEntry[] =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({
        name,
        selfMs: Math.round(us / 1000),
        percent: Math.round((us / Math.max(1, busyUs)) * 1000) / 10,
      }));
  return {
    file,
    durationMs: Math.round((profile.endTime - profile.startTime) / 1000),
    busyMs: Math.round(busyUs / 1000),
    topFunctions: rank(functions),
    topModules: rank(modules),
    stages: rank(stages, GATEWAY_STAGES.length + 1),
  };
}

function functionLabel(frame: CallFrame, projectDir: string): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  return `${name} (${shortUrl(frame.url, projectDir)}:${frame.lineNumber + 1})`;
}

/** `kafkajs`, `@grpc/grpc-js`, `dist/gateway`, `node:internal/…`, or `(garbage collector)`. */
function moduleOf(frame: CallFrame, projectDir: string): string {
  if (frame.url === '') return frame.functionName;
  const url = shortUrl(frame.url, projectDir);
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged !== null) return packaged[1] as string;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const parts = url.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : url;
}

function shortUrl(url: string, projectDir: string): string {
  const plain = url.startsWith('file://') ? url.slice('file://'.length) : url;
  return plain.startsWith(projectDir) ? path.relative(projectDir, plain) : plain;
}

/** Text table of a summary (for the terminal and the README). */
export function formatProfileSummary(summary: ProfileSummary, rows = 20): string {
  const lines = [
    `profile ${path.basename(summary.file)}: ${summary.durationMs} ms, busy ${summary.busyMs} ms`,
    '  self ms   %     function',
    ...summary.topFunctions
      .slice(0, rows)
      .map((e) => `  ${pad(e.selfMs, 7)} ${pad(e.percent, 5)}  ${e.name}`),
    '  self ms   %     module',
    ...summary.topModules
      .slice(0, 12)
      .map((e) => `  ${pad(e.selfMs, 7)} ${pad(e.percent, 5)}  ${e.name}`),
    '  busy ms   %     stage (innermost owning frame)',
    ...summary.stages.map((e) => `  ${pad(e.selfMs, 7)} ${pad(e.percent, 5)}  ${e.name}`),
  ];
  return lines.join('\n');
}

function pad(value: number, width: number): string {
  return String(value).padStart(width);
}
