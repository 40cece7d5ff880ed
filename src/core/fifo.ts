/**
 * A first-in, first-out list on one array: `items[head..]` are waiting, so taking from the front
 * moves nothing (Array.shift copies every item behind it, and queues here hold thousands). The
 * array is compacted once half of it is taken.
 */
export class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The first item, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Drops the first item (it can be collected at once). */
  dropFirst(): void {
    if (this.head >= this.items.length) return;
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Every waiting item, in order; the list is left empty. */
  takeAll(): T[] {
    const waiting = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return waiting;
  }
}
