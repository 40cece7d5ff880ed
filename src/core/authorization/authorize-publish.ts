import type { Envelope } from '../../contract/generated/intelroute/v1/envelope';
import type { Identity } from '../../identity/identity';
import { refusal, type AuthorizationRefusal } from './authorization-types';
import { lookupGrant } from './grant-lookup';
import type { GrantTable } from './grant-types';
import { roleMayPublish, type PublishPolicy } from './load-policy';
import { checkOrigin, expectedOrigin } from './origin-check';

/** What authorizePublish needs; all values. */
export interface PublishRequestContext {
  readonly identity: Identity;
  readonly envelope: Envelope;
  readonly policy: PublishPolicy;
  readonly grants: GrantTable;
  /** The gateway's clock, read once per message at the edge (grant expiry). */
  readonly nowMs: number;
}

/** `allowed`, or the refusal to return to the sender. */
export type PublishAuthorization = { readonly kind: 'allowed' } | AuthorizationRefusal;

/**
 * May this identity publish this envelope? In order: operators never (ROLE_NOT_PERMITTED);
 * the declared origin must be the identity's (ORIGIN_MISMATCH); the role's policy must list the
 * type (ROLE_NOT_PERMITTED); an agency also needs an unexpired grant from its NCB listing the
 * type (GRANT_MISSING).
 */
export function authorizePublish(context: PublishRequestContext): PublishAuthorization {
  const { identity, envelope } = context;
  const type = envelope.messageType;
  const expected = expectedOrigin(identity);
  if (expected === undefined) {
    return refusal('ROLE_NOT_PERMITTED', `${identity.urn}: operators publish nothing`);
  }
  const mismatch = checkOrigin(identity, expected, envelope.origin);
  if (mismatch !== undefined) return mismatch;
  if (!roleMayPublish(context.policy, identity.role, type)) {
    const message = `role ${identity.role} may not publish ${type}`;
    return refusal('ROLE_NOT_PERMITTED', message, 'message_type');
  }
  if (identity.role !== 'agency') return { kind: 'allowed' };
  const lookup = lookupGrant(context.grants, identity, context.nowMs);
  if (lookup.status === 'none') {
    return refusal('GRANT_MISSING', `${identity.urn} has no grant from its NCB`, 'message_type');
  }
  if (lookup.status === 'expired') {
    const message = `${identity.urn}: its grant expired at ${lookup.grant.expiresAt ?? '?'}`;
    return refusal('GRANT_MISSING', message, 'message_type');
  }
  if (!(lookup.grant.publish as readonly string[]).includes(type)) {
    const message = `${identity.urn}: its NCB's grant does not include ${type}`;
    return refusal('GRANT_MISSING', message, 'message_type');
  }
  return { kind: 'allowed' };
}
