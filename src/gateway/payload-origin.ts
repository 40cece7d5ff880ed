import type { Envelope } from '../contract/generated/intelroute/v1/envelope';
import type { Identity } from '../identity/identity';
import { refusal, type GatewayRefusal } from './gateway-refusal';

/**
 * Checks that need the payload and the identity together: an NCB designates only its own
 * country's contact point (the Secretariat may record any). Undefined when nothing is wrong.
 */
export function checkPayloadOrigin(
  envelope: Envelope,
  identity: Identity,
  payload: unknown,
): GatewayRefusal | undefined {
  if (envelope.messageType !== 'contact-point-update' || identity.role === 'secretariat') {
    return undefined;
  }
  const country = (payload as { country?: unknown } | null)?.country;
  const own = 'country' in identity ? identity.country : undefined;
  if (country === own) return undefined;
  const message = `${identity.urn} may only update the contact point of its own country`;
  return refusal('ORIGIN_MISMATCH', message, [
    { field: 'payload/country', description: message, reason: 'ORIGIN_MISMATCH' },
  ]);
}
