import { AuditEvent, type AuditRecord } from '../../contract/generated/intelroute/v1/records';
import type { HopEvent, LocationView, RouteNotTakenView } from '../console-model';

/** Longest text kept of any one value (descriptions, field paths, ids...): 500 characters. */
export const MAX_TEXT = 500;
/** Field paths kept per record. */
export const MAX_FIELDS = 50;
/** Locations and routes not taken kept per record (a broadcast may write to many topics). */
export const MAX_PLACES = 1_000;

/**
 * What the index keeps of one audit record: every value checked and clipped, so that an old or
 * foreign record can neither throw further on nor make the index hold more than a few KB.
 */
export interface AuditFact {
  readonly event: HopEvent;
  /** Milliseconds since the epoch; NaN when the record has no (valid) time. */
  readonly atMs: number;
  readonly chainId: string;
  readonly sequence: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly origin: string;
  readonly identity: string;
  readonly traceId: string;
  readonly payloadSha256: string;
  readonly payloadSize: string;
  readonly locations: readonly LocationView[];
  readonly routesNotTaken: readonly RouteNotTakenView[];
  readonly reason: string;
  readonly description: string;
  readonly fields: readonly string[];
  readonly ruleId: string;
  readonly reader: string;
}

const EVENT_NAMES: ReadonlyMap<number, HopEvent> = new Map<number, HopEvent>([
  [AuditEvent.AUDIT_EVENT_RECEIVED, 'RECEIVED'],
  [AuditEvent.AUDIT_EVENT_REFUSED, 'REFUSED'],
  [AuditEvent.AUDIT_EVENT_ROUTED, 'ROUTED'],
  [AuditEvent.AUDIT_EVENT_DELIVERED, 'DELIVERED'],
  [AuditEvent.AUDIT_EVENT_ACKED, 'ACKED'],
  [AuditEvent.AUDIT_EVENT_DEAD_LETTERED, 'DEAD_LETTERED'],
  [AuditEvent.AUDIT_EVENT_DUPLICATE, 'DUPLICATE'],
  [AuditEvent.AUDIT_EVENT_SUBSCRIBE_REFUSED, 'SUBSCRIBE_REFUSED'],
]);

/** The hop event of an AuditEvent; configuration events and unknown values are 'OTHER'. */
export function hopEventOf(event: unknown): HopEvent {
  return (typeof event === 'number' && EVENT_NAMES.get(event)) || 'OTHER';
}

/** `value` if it is text, clipped to `max` characters; '' otherwise. */
export function clipText(value: unknown, max = MAX_TEXT): string {
  if (typeof value !== 'string') return '';
  return value.length > max ? value.slice(0, max) : value;
}

/** A Date's milliseconds, NaN for anything else or an invalid date. */
export function timeOf(value: unknown): number {
  return value instanceof Date ? value.getTime() : NaN;
}

function listOf(value: unknown, max: number): readonly unknown[] {
  if (!Array.isArray(value)) return [];
  return value.length > max ? value.slice(0, max) : value;
}

function locationOf(value: unknown): LocationView {
  const location = (value ?? {}) as Partial<Record<keyof LocationView, unknown>>;
  const partition = location.partition;
  return {
    topic: clipText(location.topic),
    // -1: no usable partition number (never written by intelroute, only by foreign records).
    partition: typeof partition === 'number' && Number.isSafeInteger(partition) ? partition : -1,
    offset: clipText(location.offset),
  };
}

function routeNotTakenOf(value: unknown): RouteNotTakenView {
  const route = (value ?? {}) as Partial<Record<keyof RouteNotTakenView, unknown>>;
  return {
    topic: clipText(route.topic),
    reason: clipText(route.reason),
    description: clipText(route.description),
  };
}

/** The facts of a parsed record. Never throws, whatever the record holds. */
export function factOf(record: AuditRecord): AuditFact {
  const r = (record ?? {}) as Partial<Record<keyof AuditRecord, unknown>>;
  return {
    event: hopEventOf(r.event),
    atMs: timeOf(r.at),
    chainId: clipText(r.chainId),
    sequence: clipText(r.sequence),
    messageId: clipText(r.messageId),
    messageType: clipText(r.messageType),
    origin: clipText(r.origin),
    identity: clipText(r.identity),
    traceId: clipText(r.traceId),
    payloadSha256: clipText(r.payloadSha256),
    payloadSize: clipText(r.payloadSize),
    locations: listOf(r.locations, MAX_PLACES).map(locationOf),
    routesNotTaken: listOf(r.routesNotTaken, MAX_PLACES).map(routeNotTakenOf),
    reason: clipText(r.reason),
    description: clipText(r.description),
    fields: listOf(r.fields, MAX_FIELDS).map((field) => clipText(field)),
    ruleId: clipText(r.ruleId),
    reader: clipText(r.reader),
  };
}

/** The farthest a Date reaches from the epoch, either way (ECMA-262 TimeClip). */
const MAX_DATE_MS = 8.64e15;

/** ISO 8601 text of a time in ms, null without one. */
export function isoOrNull(atMs: number): string | null {
  return Math.abs(atMs) <= MAX_DATE_MS ? new Date(atMs).toISOString() : null;
}

/** A payload size as a number (0 when not a number). */
export function sizeOf(text: string): number {
  const size = Number(text);
  return Number.isFinite(size) && size >= 0 ? size : 0;
}
