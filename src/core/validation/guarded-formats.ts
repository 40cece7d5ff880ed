import type { Format, FormatDefinition } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';
import { IntelrouteError } from '../errors';

/**
 * The string formats payload schemas may use, each with the longest string it will look at.
 * ajv evaluates `format` even after `maxLength` failed (allErrors), and some of ajv-formats'
 * regular expressions are super-linear on long inputs (uri, email); above the cap a value is
 * refused at once, which is always right because the schemas' maxLength are below the caps.
 */
export const GUARDED_FORMATS = {
  date: 10,
  'date-time': 64,
  uri: 2048,
  email: 254,
  hostname: 253,
} as const satisfies Record<string, number>;

type GuardedFormatName = keyof typeof GUARDED_FORMATS;

/** Format definitions for ajv's `formats` option: ajv-formats' full checks behind a length cap. */
export function guardedFormats(): Record<GuardedFormatName, FormatDefinition<string>> {
  const names = Object.keys(GUARDED_FORMATS) as GuardedFormatName[];
  const entries = names.map((name) => {
    const check = toPredicate(fullFormats[name]);
    const cap = GUARDED_FORMATS[name];
    const definition: FormatDefinition<string> = {
      type: 'string',
      validate: (value: string) => value.length <= cap && check(value),
    };
    return [name, definition] as const;
  });
  return Object.fromEntries(entries) as Record<GuardedFormatName, FormatDefinition<string>>;
}

function toPredicate(format: Format): (value: string) => boolean {
  if (format instanceof RegExp) return (value) => format.test(value);
  const validate: unknown = typeof format === 'object' ? format.validate : format;
  if (validate instanceof RegExp) return (value) => validate.test(value);
  if (typeof validate === 'function') {
    const fn = validate as (value: string) => unknown;
    return (value) => fn(value) === true;
  }
  throw new IntelrouteError('INTERNAL', 'ajv-formats returned an unsupported format definition');
}
