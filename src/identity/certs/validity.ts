import { IntelrouteError } from '../../core/errors';

/** How long a certificate is valid. Explicit dates win over `validityDays`. */
export interface ValidityOptions {
  /** Days from `now` to notAfter; each kind of certificate has its own default. */
  readonly validityDays?: number;
  /** Defaults to `now` minus CLOCK_SKEW_MS. May be in the past (tests make expired certs). */
  readonly notBefore?: Date;
  /** Defaults to `now` plus validityDays. May be in the past. */
  readonly notAfter?: Date;
  /** The clock, for tests; defaults to the current time. */
  readonly now?: Date;
}

/**
 * notBefore is set this far back by default so that a peer whose clock runs a few minutes
 * behind the CA's still accepts a certificate issued a moment ago.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
/** A hundred years: beyond this a typo is more likely than an intent. */
const MAX_VALIDITY_DAYS = 36_500;

/**
 * The notBefore/notAfter pair for `options`.
 * @throws IntelrouteError CERTIFICATE_INPUT_INVALID when validityDays is not a whole number of
 *   days in 1-36500, or notAfter is not after notBefore
 */
export function resolveValidity(
  options: ValidityOptions,
  defaultDays: number,
): { notBefore: Date; notAfter: Date } {
  const days = options.validityDays ?? defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `validity must be a whole number of days from 1 to ${MAX_VALIDITY_DAYS}, got ${String(days)}`,
      { details: { reason: 'VALIDITY_DAYS' } },
    );
  }
  const now = (options.now ?? new Date()).getTime();
  const notBefore = options.notBefore ?? new Date(now - CLOCK_SKEW_MS);
  const notAfter = options.notAfter ?? new Date(now + days * DAY_MS);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new IntelrouteError('CERTIFICATE_INPUT_INVALID', 'notBefore or notAfter is not a date', {
      details: { reason: 'VALIDITY_DATE' },
    });
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new IntelrouteError(
      'CERTIFICATE_INPUT_INVALID',
      `notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`,
      { details: { reason: 'VALIDITY_ORDER' } },
    );
  }
  return { notBefore, notAfter };
}
