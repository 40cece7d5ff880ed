import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEPLOY } from './deploy-files';

/** One stage of deploy/Dockerfile: its base image (ARG defaults applied), name and instructions. */
export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly lines: string[];
}

/** The Dockerfile's stages (continuation lines joined, comments dropped), ARG defaults applied. */
export function dockerfileStages(file = path.join(DEPLOY, 'Dockerfile')): Stage[] {
  const text = readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const result: Stage[] = [];
  for (const line of lines) {
    const arg = /^ARG (\w+)=(\S+)$/.exec(line);
    if (arg !== null && result.length === 0) args.set(arg[1] as string, arg[2] as string);
    const from = /^FROM (\S+)(?: AS (\S+))?$/i.exec(line);
    if (from !== null) {
      const image = (from[1] as string).replace(
        /\$\{(\w+)\}/g,
        (_all, name: string) => args.get(name) ?? '',
      );
      result.push({ image, name: from[2], lines: [] });
    } else result.at(-1)?.lines.push(line);
  }
  return result;
}

/** The variables the final stage's ENV instructions set (`ENV K=V K2=V2` form). */
export function imageEnv(stages: readonly Stage[] = dockerfileStages()): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stages.at(-1)?.lines ?? []) {
    if (!line.startsWith('ENV ')) continue;
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key, value] = pair.split(/=(.*)/s) as [string, string | undefined];
      env[key] = value ?? '';
    }
  }
  return env;
}

/** The Node.js major version of a `node:<version>-<variant>` image, or undefined. */
export function nodeMajor(image: string): number | undefined {
  const match = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)(?:[.-]|$)/.exec(image);
  return match === null ? undefined : Number(match[1]);
}
