import { createHash } from 'node:crypto';

/**
 * intelroute's UUIDv5 namespace for the ids its own services derive (link ids, alert and notice
 * message ids). Fixed forever: changing it would change every derived id, so a re-sent alert
 * would no longer be recognised as a duplicate by the gateway.
 */
export const INTELROUTE_ID_NAMESPACE = '5b0d6a8e-3c1f-4e7a-9d2b-8f4c1a6e2d90';

/**
 * The UUID version 5 (RFC 9562, SHA-1 name-based) of `name` in `namespace`, in canonical
 * lower-case text: the same inputs always give the same id, which is what makes a re-sent
 * system message idempotent at the gateway. Pure.
 */
export function uuidV5(name: string, namespace: string = INTELROUTE_ID_NAMESPACE): string {
  const space = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(space).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
