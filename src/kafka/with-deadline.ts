/** What withDeadline resolves with when the deadline came first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * `promise`'s value, or TIMED_OUT if `deadlineAtMs` (ms since epoch) passes first. The promise
 * keeps running; its later rejection is swallowed here (the caller has moved on).
 */
export function withDeadline<T>(
  promise: Promise<T>,
  deadlineAtMs: number,
): Promise<T | typeof TIMED_OUT> {
  promise.catch(() => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadlineAtMs - Date.now()));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
