/** What the watchdog reads of an HTTP/2 session (node:http2's ServerHttp2Session has it). */
export interface WatchedSession {
  readonly pendingSettingsAck: boolean;
  readonly destroyed: boolean;
  readonly closed: boolean;
}

/** Why a session's connection was cut from under it. */
export type ReclaimReason = 'settings-unacknowledged' | 'stuck-closing';

export interface SessionWatchdogOptions {
  /** A session whose peer has not acknowledged our SETTINGS by then is cut. */
  readonly settingsTimeoutMs: number;
  /** A destroyed session that has still not emitted 'close' by then is cut. */
  readonly destroyTimeoutMs: number;
  /**
   * A session closing gracefully (its streams may still finish) that has still not emitted
   * 'close' by then is cut.
   */
  readonly closeTimeoutMs: number;
}

interface Watched<S> {
  readonly socket: S;
  readonly openedAtMs: number;
  closingSinceMs?: number;
  reclaimed: boolean;
}

/**
 * Finds HTTP/2 sessions that will never end on their own. On Node 20 (and grpc-js above it),
 * when a peer resets the connection right after the TLS handshake, the server's first write fails
 * (EPIPE), the TLS layer keeps believing a write is in progress and queues the next one forever,
 * and the HTTP/2 session stops reading while its write is pending: it never sees the reset, never
 * emits 'close', and `session.destroy()` waits for that write too. The socket's descriptor and
 * memory stay taken for good (about 70 % of such connections in a flood). Only destroying the
 * TLS socket itself frees them: the watchdog says which, the guard destroys them.
 *
 * A live peer acknowledges the server's SETTINGS within a round trip; a session past
 * `settingsTimeoutMs` without it is such a ghost (or a peer that speaks no HTTP/2). A session
 * destroyed (keepalive failure) or told to close (idle timeout, shutdown) that has not closed
 * within its timeout is stuck the same way later in its life. Pure: the clock is passed in.
 */
export class SessionWatchdog<S> {
  private readonly sessions = new Map<WatchedSession, Watched<S>>();

  constructor(private readonly options: SessionWatchdogOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  watch(session: WatchedSession, socket: S, nowMs: number): void {
    this.sessions.set(session, { socket, openedAtMs: nowMs, reclaimed: false });
  }

  /** The session emitted 'close': nothing left to watch. */
  forget(session: WatchedSession): void {
    this.sessions.delete(session);
  }

  /** The sockets to destroy now, each once, with why. */
  sweep(nowMs: number): Array<{ socket: S; reason: ReclaimReason }> {
    const due: Array<{ socket: S; reason: ReclaimReason }> = [];
    for (const [session, watched] of this.sessions) {
      if (watched.reclaimed) continue;
      const reason = this.reasonToReclaim(session, watched, nowMs);
      if (reason === undefined) continue;
      watched.reclaimed = true;
      due.push({ socket: watched.socket, reason });
    }
    return due;
  }

  private reasonToReclaim(
    session: WatchedSession,
    watched: Watched<S>,
    nowMs: number,
  ): ReclaimReason | undefined {
    if (session.destroyed || session.closed) {
      watched.closingSinceMs ??= nowMs;
      const allowed = session.destroyed
        ? this.options.destroyTimeoutMs
        : this.options.closeTimeoutMs;
      return nowMs - watched.closingSinceMs >= allowed ? 'stuck-closing' : undefined;
    }
    const age = nowMs - watched.openedAtMs;
    return session.pendingSettingsAck && age >= this.options.settingsTimeoutMs
      ? 'settings-unacknowledged'
      : undefined;
  }
}
