/**
 * Prints the top self-time functions and modules of a `.cpuprofile`:
 * `npx tsx bench/summarize-profile.ts bench/results/gateway-….cpuprofile [rows]`.
 */
import path from 'node:path';
import { formatProfileSummary, summarizeCpuProfile } from './lib/cpu-profile';

if (require.main === module) {
  const [file, rows] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: tsx bench/summarize-profile.ts <file.cpuprofile> [rows]\n');
    process.exitCode = 2;
  } else {
    const count = Number(rows ?? 25);
    const summary = summarizeCpuProfile(file, count, path.resolve(__dirname, '..'));
    process.stdout.write(`${formatProfileSummary(summary, count)}\n`);
  }
}
