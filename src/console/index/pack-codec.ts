import type { StringTable } from './string-table';

/*
 * A packed value is one flat string of tokens, far smaller in V8's heap than objects or arrays
 * (one 16-byte header, one byte per character, no pointers):
 *   number  base-36 digits then ','     (NaN: just ',')
 *   text    base-36 length, ':', the characters   (any content, no escaping)
 *   ref     a StringTable id as a number, or '~' then a text when the table gave none
 * The reader must know the layout: tokens carry no names.
 */

const NUMBER_END = ',';
const TEXT_START = ':';
const INLINE = '~';

/** Collects tokens; `done()` joins them into one flat string. */
export class PackWriter {
  private readonly parts: string[] = [];

  constructor(private readonly table: StringTable) {}

  /** A safe integer, or NaN (anything else is written as NaN). */
  number(n: number): this {
    this.parts.push(Number.isSafeInteger(n) ? n.toString(36) : '', NUMBER_END);
    return this;
  }

  text(s: string): this {
    this.parts.push(s.length.toString(36), TEXT_START, s);
    return this;
  }

  /** A string likely repeated across records (identity, topic, reason...), interned. */
  ref(s: string): this {
    const id = this.table.idOf(s);
    if (id >= 0) return this.number(id);
    this.parts.push(INLINE);
    return this.text(s);
  }

  /** Tokens already packed by another writer, as they are. */
  packed(tokens: string): this {
    this.parts.push(tokens);
    return this;
  }

  /**
   * One flat string: Array#join copies into a single sequential string, where `+` would leave a
   * tree of cons-string nodes (32 bytes each) in the heap for as long as the story is held.
   */
  done(): string {
    return this.parts.join('');
  }
}

/** Reads tokens in the order a PackWriter wrote them, from `position` on. */
export class PackReader {
  constructor(
    private readonly packed: string,
    private readonly table: StringTable,
    public position = 0,
  ) {}

  get atEnd(): boolean {
    return this.position >= this.packed.length;
  }

  number(): number {
    const end = this.packed.indexOf(NUMBER_END, this.position);
    const digits = this.packed.slice(this.position, end);
    this.position = end + 1;
    return digits === '' ? NaN : parseInt(digits, 36);
  }

  text(): string {
    const start = this.packed.indexOf(TEXT_START, this.position);
    const length = parseInt(this.packed.slice(this.position, start), 36);
    this.position = start + 1 + length;
    return this.packed.slice(start + 1, this.position);
  }

  ref(): string {
    if (this.packed[this.position] !== INLINE) return this.table.textOf(this.number());
    this.position += 1;
    return this.text();
  }
}
