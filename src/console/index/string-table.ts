/** Distinct strings a table interns at most; later new strings are kept inline instead. */
export const MAX_INTERNED = 20_000;
/** Longer strings are kept inline: they are rarely repeated and would pin memory for good. */
export const MAX_INTERNED_LENGTH = 200;

/**
 * Interned strings by number, so that a packed story refers to an identity, topic, reader or
 * reason seen a million times by a few digits. Ids are never reused: the table only grows,
 * up to MAX_INTERNED strings (intelroute's own trail has a few thousand distinct values).
 */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];

  constructor(private readonly capacity = MAX_INTERNED) {}

  /** The id of `text` (interned if new), or -1 when it is too long or the table is full. */
  idOf(text: string): number {
    const id = this.ids.get(text);
    if (id !== undefined) return id;
    if (text.length > MAX_INTERNED_LENGTH || this.texts.length >= this.capacity) return -1;
    this.ids.set(text, this.texts.length);
    this.texts.push(text);
    return this.texts.length - 1;
  }

  /** The text of an id from idOf ('' for an id the table never gave). */
  textOf(id: number): string {
    return this.texts[id] ?? '';
  }
}
