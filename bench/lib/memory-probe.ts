/**
 * Preloaded into the gateway child (`node --require <compiled probe>`), outside src/: every
 * BENCH_MEMORY_INTERVAL_MS it appends `process.memoryUsage()` as one JSON line to the file
 * BENCH_MEMORY_FILE. With BENCH_MEMORY_GC=1 and node's --expose-gc it runs a full GC first, so
 * heapUsed is the live heap (the soak's growth trend). The timer is unref'd, so it never keeps
 * the gateway alive. Nothing here touches the gateway's own code. Each line also carries the
 * event loop's delay (p99 and max since the last line, 1 ms resolution) and the GC pauses since
 * the last line (longest and total): where a latency tail comes from.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_MEMORY_FILE;
const intervalMs = Number(process.env.BENCH_MEMORY_INTERVAL_MS ?? 1000);
const collect = process.env.BENCH_MEMORY_GC === '1' ? globalThis.gc : undefined;

if (file !== undefined && file !== '') {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
      gcTotalMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const sample = (): void => {
    const pauses = {
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
      gcMaxMs,
      gcTotalMs,
    };
    loop.reset();
    gcMaxMs = 0;
    gcTotalMs = 0;
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
      ...pauses,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  setInterval(sample, intervalMs).unref();
}
