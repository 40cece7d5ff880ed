/**
 * The bounded set of a publish stream's unacknowledged messages, keyed by message_id, plus the
 * queue of messages waiting for room. Admission order is kept: it is the order messages are
 * resent in after a reconnection. Settled messages are forgotten at once, so memory is bounded
 * by `maxInFlight` plus whatever the caller queued without waiting for `whenReady()`.
 */
export class InFlightWindow<T extends { readonly messageId: string }> {
  readonly #maxInFlight: number;
  readonly #admit: (item: T) => void;
  readonly #inFlight = new Map<string, T>();
  readonly #queue = new Map<string, T>();
  #readyWaiters: Array<() => void> = [];

  /**
   * @param admit called synchronously, once per item, when it enters the window: from
   *   `offer`, or from the `take` that made room
   */
  constructor(maxInFlight: number, admit: (item: T) => void) {
    this.#maxInFlight = maxInFlight;
    this.#admit = admit;
  }

  /** Admitted items awaiting their result. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Items waiting for room. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Admits `item` now if there is room and nobody queued first; queues it otherwise. */
  offer(item: T): void {
    if (this.#open()) this.#enter(item);
    else this.#queue.set(item.messageId, item);
  }

  /** The admitted or queued item with this id. */
  get(messageId: string): T | undefined {
    return this.#inFlight.get(messageId) ?? this.#queue.get(messageId);
  }

  /** Removes an admitted item (it got its result) and admits queued ones into the room. */
  take(messageId: string): T | undefined {
    const item = this.#inFlight.get(messageId);
    if (item === undefined) return undefined;
    this.#inFlight.delete(messageId);
    for (const [id, next] of this.#queue) {
      if (this.#inFlight.size >= this.#maxInFlight) break;
      this.#queue.delete(id);
      this.#enter(next);
    }
    this.#wakeReady();
    return item;
  }

  /** Admitted items, in admission order (a snapshot). */
  admitted(): T[] {
    return [...this.#inFlight.values()];
  }

  /** Removes and returns every item, admitted first, then queued. */
  drain(): T[] {
    const items = [...this.#inFlight.values(), ...this.#queue.values()];
    this.#inFlight.clear();
    this.#queue.clear();
    this.#wakeReady();
    return items;
  }

  /** Resolves when an offer would be admitted at once. */
  whenReady(): Promise<void> {
    if (this.#open()) return Promise.resolve();
    return new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
  }

  #open(): boolean {
    return this.#inFlight.size < this.#maxInFlight && this.#queue.size === 0;
  }

  #enter(item: T): void {
    this.#inFlight.set(item.messageId, item);
    this.#admit(item);
  }

  #wakeReady(): void {
    if (!this.#open()) return;
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const wake of waiters) wake();
  }
}
