/**
 * HTML built by a tagged template that escapes every interpolated value, so a page cannot
 * forget to: only a `SafeHtml` (made by `html` itself or by `raw`) goes in unchanged.
 */

/** A fragment of HTML that is already escaped (or written by us), safe to insert as is. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/**
 * What a template may interpolate. `false`, `null` and `undefined` render as nothing, so
 * `${cond && html`...`}` works; arrays render each item in turn.
 */
export type Interpolation =
  SafeHtml | string | number | false | null | undefined | readonly Interpolation[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === false || value === null || value === undefined) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return escapeHtml(String(value));
  return value.map(render).join('');
}

/** Tagged template: the literal parts are kept, every interpolated value is escaped. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks a fragment as already escaped. Only for constants or output of `escapeHtml`. */
export function raw(escaped: string): SafeHtml {
  return new SafeHtml(escaped);
}

/**
 * A `<script type="application/json">` block for the client script. `<`, `>` and `&` become
 * \u escapes (still valid JSON) so no value can close the element or open a comment; U+2028/9
 * are escaped too for older parsers.
 */
export function jsonScript(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return html`<script type="application/json" id="${id}">
    ${raw(json)}
  </script>`;
}
