/**
 * How the console writes times, durations, counts and hashes. console.js formats the live
 * updates the same way: change both together.
 */

const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Shown where a value is not known (no latency yet, no time on a record). */
export const NOT_KNOWN = '—';

/** `2026-12-04 09:15:02 UTC`; the input unchanged when it is not a time, `—` when null. */
export function formatTime(iso: string | null): string {
  if (iso === null || iso === '') return NOT_KNOWN;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Milliseconds: one decimal under 10 (`3.2`), whole above (`118`). No unit. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return NOT_KNOWN;
  return Math.abs(ms) < 10 ? ms.toFixed(1) : COUNT_FORMAT.format(Math.round(ms));
}

/** A rate per second, written like milliseconds (`0.4`, `1,250`). */
export const formatRate = formatMs;

/** A count with thousands separators (`12,345`). */
export function formatCount(count: number | null): string {
  if (count === null || !Number.isFinite(count)) return NOT_KNOWN;
  return COUNT_FORMAT.format(count);
}

/** A payload or record size (`1,024 bytes`). */
export function formatBytes(bytes: number): string {
  return `${formatCount(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

/** The first 12 hex digits of a hash, enough to compare by eye; the page puts the rest in a title. */
export function shortHash(hex: string): string {
  return hex.length > 12 ? `${hex.slice(0, 12)}…` : hex;
}
