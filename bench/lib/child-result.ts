import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Runs a bench TypeScript file in a child node (tsx, from the project's root) and returns the
 * JSON of its last line of output: a measurement that needs a fresh heap or node flags of its own.
 */
export function childResult<T>(
  file: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): T {
  const output = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', file, ...args], {
    cwd: path.resolve(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop() ?? '') as T;
}
