/**
 * Preloaded into the gateway child (`node --require <compiled probe>`), outside src/: every
 * BENCH_MEMORY_INTERVAL_MS it appends `process.memoryUsage()` as one JSON line to the file
 * BENCH_MEMORY_FILE. With BENCH_MEMORY_GC=1 and node's --expose-gc it runs a full GC first, so
 * heapUsed is the live heap (the soak's growth trend). The timer is unref'd, so it never keeps
 * the gateway alive. Nothing here touches the gateway's own code.
 */
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_FILE;
const intervalMs = Number(process.env.BENCH_MEMORY_INTERVAL_MS ?? 1000);
const collect = process.env.BENCH_MEMORY_GC === '1' ? globalThis.gc : undefined;

if (file !== undefined && file !== '') {
  const sample = (): void => {
    collect?.();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const line = {
      atMs: Date.now(),
      rss,
      heapUsed,
      heapTotal,
      external,
      arrayBuffers,
      gc: collect !== undefined,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  setInterval(sample, intervalMs).unref();
}
