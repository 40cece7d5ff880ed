import {
  HandlingCode,
  Restriction,
  type Handling,
} from '../../contract/generated/intelroute/v1/envelope';
import {
  COUNTRY,
  HANDLING_CODES,
  MAX_LIST_ENTRIES,
  MAX_RESTRICTION_TEXT,
  RESTRICTIONS,
  RETENTION_DAYS,
  codePointLengthUpTo,
  enumNames,
} from './envelope-formats';
import { finding, type Finding } from './validation-types';

const H3 = HandlingCode.HANDLING_CODE_H3;

/**
 * handling: present; code specified; restricted_to at most 64 unique ISO alpha-2 codes;
 * restrictions and restriction_text only with H3, and H3 needs at least one of them;
 * restriction_text at most 1000 characters; retention_days 1–1826.
 */
export function checkHandling(handling: Handling | undefined): Finding[] {
  if (handling === undefined) {
    return [finding('ENVELOPE_INVALID', 'handling', 'required', 'is required')];
  }
  return [
    ...checkCode(handling),
    ...checkRestrictedTo(handling.restrictedTo),
    ...(HANDLING_CODES.has(handling.code) ? checkH3(handling) : []),
    ...checkRetention(handling.retentionDays),
  ];
}

function checkCode(handling: Handling): Finding[] {
  if (HANDLING_CODES.has(handling.code)) return [];
  const keyword = handling.code === HandlingCode.HANDLING_CODE_UNSPECIFIED ? 'required' : 'enum';
  const message = `must be one of ${enumNames(HandlingCode, HANDLING_CODES)}`;
  return [finding('ENVELOPE_INVALID', 'handling.code', keyword, message)];
}

function checkRestrictedTo(countries: readonly string[]): Finding[] {
  if (countries.length > MAX_LIST_ENTRIES) {
    const message = `must not have more than ${MAX_LIST_ENTRIES} entries`;
    return [finding('ENVELOPE_INVALID', 'handling.restricted_to', 'maxItems', message)];
  }
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  countries.forEach((country, index) => {
    const field = `handling.restricted_to[${index}]`;
    const first = seen.get(country);
    if (!COUNTRY.test(country)) {
      const message = 'must be an ISO 3166-1 alpha-2 code in upper case';
      findings.push(finding('ENVELOPE_INVALID', field, 'pattern', message));
    } else if (first !== undefined) {
      const message = `duplicates handling.restricted_to[${first}]`;
      findings.push(finding('ENVELOPE_INVALID', field, 'uniqueItems', message));
    } else seen.set(country, index);
  });
  return findings;
}

function checkH3(handling: Handling): Finding[] {
  const isH3 = handling.code === H3;
  const { restrictions, restrictionText } = handling;
  const findings: Finding[] = [];
  if (!isH3 && restrictions.length > 0) {
    const message = 'is only allowed with handling code H3';
    findings.push(finding('ENVELOPE_INVALID', 'handling.restrictions', 'notAllowed', message));
  }
  if (!isH3 && restrictionText !== '') {
    const message = 'is only allowed with handling code H3';
    findings.push(finding('ENVELOPE_INVALID', 'handling.restriction_text', 'notAllowed', message));
  }
  if (isH3 && restrictions.length === 0 && restrictionText === '') {
    const message = 'is required with H3 unless restrictions lists at least one flag';
    findings.push(finding('ENVELOPE_INVALID', 'handling.restriction_text', 'required', message));
  }
  if (codePointLengthUpTo(restrictionText, MAX_RESTRICTION_TEXT) > MAX_RESTRICTION_TEXT) {
    const message = `must not be longer than ${MAX_RESTRICTION_TEXT} characters`;
    findings.push(finding('ENVELOPE_INVALID', 'handling.restriction_text', 'maxLength', message));
  }
  if (isH3) findings.push(...checkFlags(restrictions));
  return findings;
}

function checkFlags(restrictions: readonly Restriction[]): Finding[] {
  if (restrictions.length > RESTRICTIONS.size) {
    const message = `must not have more than ${RESTRICTIONS.size} entries`;
    return [finding('ENVELOPE_INVALID', 'handling.restrictions', 'maxItems', message)];
  }
  const findings: Finding[] = [];
  const seen = new Map<number, number>();
  restrictions.forEach((flag, index) => {
    const field = `handling.restrictions[${index}]`;
    const first = seen.get(flag);
    if (!RESTRICTIONS.has(flag)) {
      const message = `must be one of ${enumNames(Restriction, RESTRICTIONS)}`;
      findings.push(finding('ENVELOPE_INVALID', field, 'enum', message));
    } else if (first !== undefined) {
      const message = `duplicates handling.restrictions[${first}]`;
      findings.push(finding('ENVELOPE_INVALID', field, 'uniqueItems', message));
    } else seen.set(flag, index);
  });
  return findings;
}

function checkRetention(days: number): Finding[] {
  const field = 'handling.retention_days';
  if (days === 0) return [finding('ENVELOPE_INVALID', field, 'required', 'is required')];
  const message = `must be a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}`;
  if (!Number.isInteger(days)) return [finding('ENVELOPE_INVALID', field, 'type', message)];
  if (days < RETENTION_DAYS.min) return [finding('ENVELOPE_INVALID', field, 'minimum', message)];
  if (days > RETENTION_DAYS.max) return [finding('ENVELOPE_INVALID', field, 'maximum', message)];
  return [];
}
