/**
 * Phone selectors: E.164 (`+` country calling code and national number, digits only), through
 * libphonenumber-js.
 *
 * Rules:
 * 1. NFKC-normalise (full-width digits and `＋` become ASCII) and trim.
 * 2. Parse the whole text (no extraction from surrounding words): spaces, dashes, dots and
 *    parentheses are formatting; an extension (`ext. 45`) is dropped, as it reaches the same
 *    line; a national trunk prefix written after the country code is removed (`+44 (0)20 …` →
 *    `+4420…`, `+33 06 …` → `+336…`), as libphonenumber does when the rest is a possible number.
 * 3. A number without `+` is read with `defaultRegion` (the report's origin country) when given.
 *    The v1 schemas require E.164 already, so for v1 payloads this is formatting normalisation
 *    only; the option is there for inputs that are not schema-checked.
 * 4. Unreadable text or an unknown country calling code → `invalid-phone`; a length no number of
 *    that country has → `impossible-phone`. Validity against numbering plans (`isValid`) is not
 *    required: plans change with metadata updates and fictitious or newly opened ranges would be
 *    dropped, while an E.164 string is stable across library versions.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { accepted, refused, type Normalised } from './selector-types';

/** Longest text handed to the parser: E.164 has 15 digits; generous room for formatting. */
const MAX_PHONE_TEXT = 64;

/**
 * Normalises a telephone number to E.164. `defaultRegion` is an ISO 3166-1 alpha-2 code used
 * only for numbers written without `+`; an unsupported region is ignored. Never throws.
 */
export function normalisePhone(input: string, defaultRegion?: string): Normalised {
  const text = input.normalize('NFKC').trim();
  if (text === '' || text.length > MAX_PHONE_TEXT) return refused('invalid-phone');
  const region =
    defaultRegion !== undefined && isSupportedCountry(defaultRegion) ? defaultRegion : undefined;
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
  if (parsed === undefined) return refused('invalid-phone');
  return parsed.isPossible() ? accepted(parsed.number) : refused('impossible-phone');
}
