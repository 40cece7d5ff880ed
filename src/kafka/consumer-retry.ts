/**
 * Retry options of a consumer that must stay stopped once its owner stops. After a retriable
 * crash kafkajs restarts a consumer by itself, on a timer; a `disconnect()` while that restart
 * is connecting (Kafka unreachable: it retries for a long while) does not stop it, and the next
 * crash schedules another: a process asked to stop kept retrying for many minutes. Asked at every
 * crash, `restartOnFailure` says no once the owner stopped. Otherwise kafkajs's consumer default
 * (5 retries).
 */
export function restartUnlessStopped(stopped: () => boolean): {
  retries: number;
  restartOnFailure: (error: Error) => Promise<boolean>;
} {
  return { retries: 5, restartOnFailure: async () => !stopped() };
}
