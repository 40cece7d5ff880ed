/**
 * Tracking-number selectors.
 *
 * Rules:
 * 1. Spaces and dashes are removed; the rest must be 8 to 40 ASCII letters and digits (the
 *    schemas' bounds), else `invalid-tracking-number`; letters are upper-cased.
 * 2. A UPU S10 number (2 letters, 8 digits, a check digit, the issuing country's 2 letters, e.g.
 *    `RR123456785FR`) must carry a correct check digit (S10 weights 8 6 4 2 3 5 9 7, modulus 11),
 *    else `check-digit-mismatch`: as for wallets, a typo must not link two parcels. Its value is
 *    the number alone: S10 numbers are unique world-wide and name their issuing operator, so a
 *    report with the carrier and one without still link.
 * 3. Any other number is qualified by its carrier when one is given: `<carrier>:<NUMBER>`, the
 *    carrier trimmed, NFC-normalised, inner white space collapsed and case-folded; without a
 *    carrier the value is the number alone. Short courier numbers are only unique per carrier,
 *    so the carrier keeps two couriers' equal numbers apart. The cost: one report with the
 *    carrier and one without, or with differently spelt carriers, do not link.
 *
 * A number has no `:`, so the value splits unambiguously at its last `:`.
 */
import { accepted, refused, type Normalised } from './selector-types';

const TRACKING = /^[A-Za-z0-9]{8,40}$/;
const S10 = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/;
const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/** Normalises a parcel tracking number, qualified by its carrier (rules above). Never throws. */
export function normaliseTrackingNumber(number: string, carrier?: string): Normalised {
  const compact = number.replace(/[\s-]/g, '');
  if (!TRACKING.test(compact)) return refused('invalid-tracking-number');
  const upper = compact.toUpperCase();
  const s10 = S10.exec(upper);
  if (s10 !== null) {
    const ok = s10CheckDigit(s10[1] ?? '') === Number(s10[2]);
    return ok ? accepted(upper) : refused('check-digit-mismatch');
  }
  const operator = carrier?.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase() ?? '';
  return accepted(operator === '' ? upper : `${operator}:${upper}`);
}

/** The UPU S10 check digit of an 8-digit serial number. */
export function s10CheckDigit(serial: string): number {
  let sum = 0;
  S10_WEIGHTS.forEach((weight, i) => {
    sum += weight * Number(serial[i]);
  });
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  return check === 11 ? 5 : check;
}
