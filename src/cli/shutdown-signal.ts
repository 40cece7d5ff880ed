/**
 * Resolves on the first SIGINT or SIGTERM. The caller then stops its components in order; a
 * second signal while stopping is logged and otherwise ignored, so a nervous Ctrl-C does not cut
 * a drain short. The grace timer of the caller bounds the whole stop.
 */
export function shutdownSignal(
  onRepeat?: (signal: NodeJS.Signals) => void,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (received) {
        onRepeat?.(signal);
        return;
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/**
 * Runs `stop` with a deadline: if it has not finished within `graceMs` the process exits with
 * code 1 (the only place intelroute calls process.exit, and never from a signal handler).
 */
export async function stopWithin(graceMs: number, stop: () => Promise<void>): Promise<void> {
  const timer = setTimeout(() => {
    process.stderr.write(`intelroute: shutdown took longer than ${graceMs} ms; exiting\n`);
    process.exit(1);
  }, graceMs);
  timer.unref();
  try {
    await stop();
  } finally {
    clearTimeout(timer);
  }
}
