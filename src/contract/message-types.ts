/**
 * The v1 message types (envelope.proto, `message_type`). Rule sets, the publish policy and
 * grants are validated against this list, so a typo in a configuration file fails the load
 * instead of silently never matching.
 */
export const MESSAGE_TYPES = [
  'online-vendor-report',
  'seizure-report',
  'information-request',
  'information-response',
  'contact-point-update',
  'training-event',
  'working-group-contribution',
  'link-alert',
  'request-overdue-notice',
] as const;

/** One of the v1 message type names. */
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** True when `value` is one of the v1 message types. */
export function isMessageType(value: string): value is MessageType {
  return (MESSAGE_TYPES as readonly string[]).includes(value);
}
