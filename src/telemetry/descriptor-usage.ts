import { readdirSync, readFileSync } from 'node:fs';

/** Open file descriptors of this process against its soft limit. */
export interface DescriptorUsage {
  readonly open: number;
  readonly limit: number;
}

/**
 * This process's open descriptors and their soft limit (RLIMIT_NOFILE), read from /proc on
 * Linux; undefined where the OS does not say (or the limit is unlimited). Costs a directory read:
 * call it every few seconds, not per request.
 */
export function descriptorUsage(): DescriptorUsage | undefined {
  const limit = softDescriptorLimit();
  if (limit === undefined) return undefined;
  try {
    return { open: readdirSync('/proc/self/fd').length, limit };
  } catch {
    return undefined;
  }
}

let cachedLimit: number | null | undefined;

function softDescriptorLimit(): number | undefined {
  if (cachedLimit === undefined) cachedLimit = readSoftLimit();
  return cachedLimit ?? undefined;
}

function readSoftLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.slice('Max open files'.length).trim().split(/\s+/)[0]);
    return Number.isSafeInteger(soft) && soft > 0 ? soft : null;
  } catch {
    return null;
  }
}
