/**
 * The one lifecycle vocabulary of intelroute's long-running parts (readers, stream processors,
 * subscriptions, system services): `idle` → `starting` → `running` → `stopping` → `stopped`, or
 * `failed` when a part stopped by itself because something it needs failed for good.
 */
export type LifecycleState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** How a part ended. */
export type FinalState = Extract<LifecycleState, 'stopped' | 'failed'>;

/**
 * A part's state, its listeners and its one idempotent stop: `close` runs its work once, for
 * whichever comes first of stop() and a failure; later calls wait for that same close.
 */
export class Lifecycle {
  private current: LifecycleState = 'idle';
  private readonly listeners = new Set<(state: LifecycleState) => void>();
  private closing: Promise<void> | undefined;
  private settle: (state: FinalState) => void = () => undefined;
  private readonly ended = new Promise<FinalState>((resolve) => (this.settle = resolve));

  get state(): LifecycleState {
    return this.current;
  }

  /** True once stop() or a failure began closing. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Called on every state change. Returns a function that removes the listener. */
  onChange(listener: (state: LifecycleState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with `stopped` after stop(), or `failed` when the part stopped by itself. */
  whenStopped(): Promise<FinalState> {
    return this.ended;
  }

  /** Moves `idle` to `starting`; false when the part was started before (start is a no-op). */
  beginStart(): boolean {
    if (this.current !== 'idle') return false;
    this.set('starting');
    return true;
  }

  /** Marks the start done, unless a stop or failure came meanwhile. */
  started(): void {
    if (!this.closed) this.set('running');
  }

  /** Runs `work` once (the first caller's), then settles as that caller's `final`. */
  close(final: FinalState, work: () => Promise<void>): Promise<void> {
    this.closing ??= this.closeOnce(final, work);
    return this.closing;
  }

  private async closeOnce(final: FinalState, work: () => Promise<void>): Promise<void> {
    this.set('stopping');
    try {
      await work();
    } finally {
      this.set(final);
      this.settle(final);
    }
  }

  private set(state: LifecycleState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
