import type { ContactPointEntry } from '../../readers';
import {
  Channel,
  HandlingCode,
  OriginKind,
  Priority,
  Restriction,
  type Envelope,
  type Handling,
} from '../../../contract/generated/intelroute/v1/envelope';
import type { AlertPlan } from './link-decision';
import type { StoredObservation } from './observation-types';
import { SECRETARIAT } from './visibility';

/** A contact point as link-alert v1 carries it (`matches[].contactPoint`). */
export interface AlertContactPoint {
  readonly unit?: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly languages?: readonly string[];
}

/** link-alert v1 bounds (schemas/link-alert/v1.json). */
const MAX_OWN_REPORTS = 50;
const MAX_PATHS = 20;
const MAX_MATCHES = 64;
const MAX_REPORT_COUNT = 10_000;
const PATH = /^\/[A-Za-z0-9_/-]{1,255}$/;
/** Used only if a report somehow lacks one: Interpol's upper bound, 5 years. */
const DEFAULT_RETENTION_DAYS = 1826;

const COUNTRY_TEXT =
  'Hit/no-hit link alert for this country only: it says that other countries hold reports ' +
  'with the same selector, never their content. Contact the holding country before any use.';
const SECRETARIAT_TEXT =
  'Hit/no-hit link alert for the General Secretariat: reports of several countries share a ' +
  'selector. Each country involved gets its own alert, within its reports’ restrictions.';

/**
 * The link-alert envelope of a plan, from `urn:intelroute:system:link-detector`. Everything in it
 * derives from the plan and the directory, so a re-send after a restart is byte-identical (the
 * gateway then answers it as a duplicate): `created_at` is the plan's detection time.
 *
 * A country's alert is addressed to it alone: restricted_to [it], H3 with NO_SECRETARIAT_COPY
 * (the Secretariat gets one alert of its own per change, not a copy of each country's),
 * NO_WORKING_GROUP and NO_BROADCAST, and NCB_ONLY when a report it mentions is NCB_ONLY. The
 * Secretariat's alert names the Secretariat channel. Retention: the shortest of the reports'.
 */
export function alertEnvelope(
  plan: AlertPlan,
  contactPoint: (country: string) => AlertContactPoint | undefined,
): Envelope {
  const toSecretariat = plan.recipient === SECRETARIAT;
  return {
    messageId: plan.alertId,
    messageType: 'link-alert',
    schemaVersion: 1,
    origin: { kind: OriginKind.ORIGIN_KIND_SYSTEM, country: '', agencyId: '' },
    destinations: [
      toSecretariat
        ? { target: { $case: 'channel', channel: Channel.CHANNEL_SECRETARIAT } }
        : { target: { $case: 'country', country: plan.recipient } },
    ],
    handling: alertHandling(plan),
    evaluation: undefined,
    priority: Priority.PRIORITY_UNSPECIFIED,
    inReplyTo: '',
    // One case per link: its alerts share a Kafka key, so a reader gets them in order.
    caseReference: `link:${plan.linkId}`,
    createdAt: new Date(plan.detectedAt),
    payload: Buffer.from(JSON.stringify(alertPayload(plan, contactPoint)), 'utf8'),
    contentType: 'application/json',
    receipt: undefined,
  };
}

/** The link-alert v1 payload: the recipient's own reports and the countries it may know of. */
function alertPayload(
  plan: AlertPlan,
  contactPoint: (country: string) => AlertContactPoint | undefined,
): Record<string, unknown> {
  return {
    linkId: plan.linkId,
    detectedAt: plan.detectedAt,
    selectorKind: plan.kind,
    matchBasis: 'normalised',
    ownReports: plan.view.own.slice(0, MAX_OWN_REPORTS).map(ownReport),
    matches: plan.view.matches.slice(0, MAX_MATCHES).map((match) => {
      const point = contactPoint(match.country);
      return {
        ...match,
        reportCount: Math.min(match.reportCount, MAX_REPORT_COUNT),
        ...(point === undefined ? {} : { contactPoint: point }),
      };
    }),
  };
}

function ownReport(observation: StoredObservation): {
  messageId: string;
  selectorPaths?: string[];
} {
  const paths = [...new Set(observation.paths.filter((path) => PATH.test(path)))];
  return {
    messageId: observation.messageId,
    ...(paths.length === 0 ? {} : { selectorPaths: paths.slice(0, MAX_PATHS) }),
  };
}

function alertHandling(plan: AlertPlan): Handling {
  const mentioned = [...plan.view.own, ...plan.view.others];
  const retention = Math.min(
    DEFAULT_RETENTION_DAYS,
    ...mentioned.map((o) => o.handling.retentionDays).filter((days) => days >= 1),
  );
  const ncbOnly = mentioned.some((o) => o.handling.flags.includes('ncb-only'));
  const restrictions = [
    Restriction.RESTRICTION_NO_WORKING_GROUP,
    Restriction.RESTRICTION_NO_BROADCAST,
  ];
  if (plan.recipient === SECRETARIAT) {
    return handling([], restrictions, SECRETARIAT_TEXT, retention);
  }
  restrictions.push(Restriction.RESTRICTION_NO_SECRETARIAT_COPY);
  if (ncbOnly) restrictions.push(Restriction.RESTRICTION_NCB_ONLY);
  return handling([plan.recipient], restrictions, COUNTRY_TEXT, retention);
}

function handling(
  restrictedTo: string[],
  restrictions: Restriction[],
  restrictionText: string,
  retentionDays: number,
): Handling {
  return {
    code: HandlingCode.HANDLING_CODE_H3,
    restrictedTo,
    restrictions: restrictions.sort((a, b) => a - b),
    restrictionText,
    retentionDays,
  };
}

/**
 * A directory entry as a link alert's contact point: unit, contact name, e-mail, phone and
 * languages of an active designation; undefined when the country has none (or withdrew it).
 */
export function alertContactPoint(
  entry: ContactPointEntry | undefined,
): AlertContactPoint | undefined {
  if (entry === undefined || entry.status !== 'active') return undefined;
  const point = entry.contactPoint;
  const unit = record(point.unit);
  const contact = record(point.contact);
  const fields: AlertContactPoint = {
    ...text('unit', unit.name),
    ...text('name', contact.name),
    ...text('email', contact.email),
    ...text('phone', contact.phone),
    ...(isStrings(point.languages) && point.languages.length > 0
      ? { languages: point.languages }
      : {}),
  };
  return Object.keys(fields).length === 0 ? undefined : fields;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {};
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
