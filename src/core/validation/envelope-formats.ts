import {
  Channel,
  HandlingCode,
  InformationAccuracy,
  OriginKind,
  Priority,
  Restriction,
  SourceReliability,
} from '../../contract/generated/intelroute/v1/envelope';

/** Canonical lower-case UUID text (RFC 9562): version 1–8, RFC variant. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** ISO 3166-1 alpha-2, upper case. Membership is routing's business, not ours. */
export const COUNTRY = /^[A-Z]{2}$/;
/** An agency identifier from a client certificate. */
export const AGENCY_ID = /^[a-z0-9-]{1,64}$/;
/** The originator's case reference (also the Kafka record key). */
export const CASE_REFERENCE = /^[A-Za-z0-9._:/-]{1,64}$/;
/** The accepted media types, compared case-insensitively; parameters other than charset=utf-8 are refused. */
export const JSON_CONTENT_TYPE =
  /^application\/json(?:[ \t]{0,8};[ \t]{0,8}charset=(?:utf-8|"utf-8"))?$/i;

/** Longest list accepted in destinations and handling.restricted_to. */
export const MAX_LIST_ENTRIES = 64;
/** Longest handling.restriction_text, in characters (code points). */
export const MAX_RESTRICTION_TEXT = 1000;
/** Retention bounds, in days (1826 = 5 years, Interpol's upper bound). */
export const RETENTION_DAYS = { min: 1, max: 1826 } as const;

/** Message types whose envelope must carry an evaluation. */
export const EVALUATION_REQUIRED = new Set([
  'online-vendor-report',
  'seizure-report',
  'information-response',
  'working-group-contribution',
]);

/** The non-UNSPECIFIED members of a generated numeric enum. */
function specified(values: readonly number[]): ReadonlySet<number> {
  return new Set(values.filter((v) => v !== 0));
}

export const ORIGIN_KINDS = specified(Object.values(OriginKind).filter(isNumber));
export const CHANNELS = specified(Object.values(Channel).filter(isNumber));
export const HANDLING_CODES = specified(Object.values(HandlingCode).filter(isNumber));
export const RESTRICTIONS = specified(Object.values(Restriction).filter(isNumber));
export const SOURCE_RELIABILITIES = specified(Object.values(SourceReliability).filter(isNumber));
export const INFORMATION_ACCURACIES = specified(
  Object.values(InformationAccuracy).filter(isNumber),
);
/** Priority accepts UNSPECIFIED (read as ROUTINE). */
export const PRIORITIES: ReadonlySet<number> = new Set(Object.values(Priority).filter(isNumber));

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

/** Length in code points, counting no further than `limit + 1`. */
export function codePointLengthUpTo(text: string, limit: number): number {
  let count = 0;
  for (const _ of text) {
    count += 1;
    if (count > limit) break;
  }
  return count;
}

/** Names of the enum's accepted values, for messages. */
export function enumNames(
  enumObject: Record<string, string | number>,
  accepted: ReadonlySet<number>,
): string {
  return [...accepted].map((v) => String(enumObject[v])).join(', ');
}
