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
