import type { Attributes } from '@opentelemetry/api';
import { isMessageType } from '../contract/message-types';

/**
 * Metric label values come partly from senders (a refused message's type, its origin): each is
 * reduced to a bounded set here, so a hostile sender cannot create unbounded time series.
 */

/** A v1 message type, or `other`. */
export function messageTypeLabel(messageType: string | undefined): string {
  return messageType !== undefined && isMessageType(messageType) ? messageType : 'other';
}

/** An ISO 3166-1 alpha-2 code, or `none` (Secretariat, system, unknown). */
export function countryLabel(country: string | undefined): string {
  return country !== undefined && /^[A-Z]{2}$/.test(country) ? country : 'none';
}

/** A ReasonCode or error code name (`SCHEMA_VIOLATION`), or `OTHER`. */
export function reasonLabel(reason: string | undefined): string {
  return reason !== undefined && /^[A-Z][A-Z0-9_]{0,63}$/.test(reason) ? reason : 'OTHER';
}

/** A Kafka topic or consumer group name as configured (bounded by configuration), or `other`. */
export function nameLabel(name: string | undefined): string {
  return name !== undefined && /^[A-Za-z0-9._-]{1,249}$/.test(name) ? name : 'other';
}

/** Attribute objects by one label value, built once (see {@link attributesBy2}). */
export function attributesBy1(
  build: (a: string) => Attributes,
  maxEntries = 4096,
): (a: string) => Attributes {
  const table = new Map<string, Attributes>();
  return (a) => {
    const found = table.get(a);
    if (found !== undefined) return found;
    const built = Object.freeze(build(a));
    if (table.size < maxEntries) table.set(a, built);
    return built;
  };
}

/**
 * Attribute objects by two label values, each combination built once and frozen, so recording a
 * metric on the hot path allocates nothing. Callers bound the values first (the functions
 * above); past `maxEntries` combinations new ones are built per call instead of kept.
 */
export function attributesBy2(
  build: (a: string, b: string) => Attributes,
  maxEntries = 4096,
): (a: string, b: string) => Attributes {
  const rows = new Map<string, Map<string, Attributes>>();
  let size = 0;
  return (a, b) => {
    let row = rows.get(a);
    const found = row?.get(b);
    if (found !== undefined) return found;
    const built = Object.freeze(build(a, b));
    if (size < maxEntries) {
      if (row === undefined) rows.set(a, (row = new Map()));
      row.set(b, built);
      size += 1;
    }
    return built;
  };
}

/** {@link attributesBy2} for three label values (`maxEntries` bounds each level). */
export function attributesBy3(
  build: (a: string, b: string, c: string) => Attributes,
  maxEntries = 4096,
): (a: string, b: string, c: string) => Attributes {
  const rows = new Map<string, (b: string, c: string) => Attributes>();
  return (a, b, c) => {
    let row = rows.get(a);
    if (row === undefined) {
      if (rows.size >= maxEntries) return Object.freeze(build(a, b, c));
      row = attributesBy2((y, z) => build(a, y, z), maxEntries);
      rows.set(a, row);
    }
    return row(b, c);
  };
}
