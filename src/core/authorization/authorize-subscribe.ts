import type { Identity } from '../../identity/identity';
import type { MessageType } from '../../contract/message-types';
import {
  refusal,
  STREAMS_OF_ROLE,
  type AuthorizationRefusal,
  type StreamName,
} from './authorization-types';
import { lookupGrant } from './grant-lookup';
import type { GrantTable } from './grant-types';

/** What authorizeSubscribe needs; all values. */
export interface SubscribeRequestContext {
  readonly identity: Identity;
  readonly stream: StreamName;
  /** For `country-inbox`: the inbox asked for; must be empty/absent for the other streams. */
  readonly country?: string;
  readonly grants: GrantTable;
  /** The gateway's clock, read once at the edge (grant expiry). */
  readonly nowMs: number;
}

/**
 * Allowed, with what the consumer must filter: an agency reader is shown only the types its
 * grant lists (`'all'` otherwise) and never a message flagged NCB_ONLY (`agencyReader`). The
 * country inbox stream includes the broadcast topic.
 */
export type SubscribeAuthorization =
  | {
      readonly kind: 'allowed';
      readonly messageTypes: readonly MessageType[] | 'all';
      readonly agencyReader: boolean;
    }
  | AuthorizationRefusal;

const ALL = { kind: 'allowed', messageTypes: 'all', agencyReader: false } as const;

/**
 * May this identity open this stream? An NCB reads its own inbox; an agency its own country's
 * inbox if its unexpired grant allows reading; the Secretariat the Secretariat stream; a
 * working-group member the working-group stream. Nobody reads another country's inbox.
 * Refusals are STREAM_NOT_PERMITTED.
 */
export function authorizeSubscribe(context: SubscribeRequestContext): SubscribeAuthorization {
  const { identity, stream } = context;
  const country = context.country ?? '';
  if (!STREAMS_OF_ROLE[identity.role].includes(stream)) {
    return denied(identity, `may not read the ${stream} stream`, 'stream');
  }
  if (stream !== 'country-inbox') {
    return country === ''
      ? ALL
      : denied(identity, `may not name a country for the ${stream} stream`, 'country');
  }
  // Only ncb and agency identities reach here (STREAMS_OF_ROLE); both have a country.
  if (!('country' in identity) || country !== identity.country) {
    return denied(identity, `may not read the inbox of "${country}"`, 'country');
  }
  if (identity.role !== 'agency') return ALL;
  const lookup = lookupGrant(context.grants, identity, context.nowMs);
  if (lookup.status !== 'active' || !lookup.grant.read.streams.includes('country-inbox')) {
    const which = lookup.status === 'expired' ? 'an expired' : 'no';
    return denied(identity, `has ${which} read grant from its NCB`, 'stream');
  }
  return { kind: 'allowed', messageTypes: lookup.grant.read.messageTypes, agencyReader: true };
}

function denied(identity: Identity, what: string, field: string): AuthorizationRefusal {
  return refusal('STREAM_NOT_PERMITTED', `${identity.urn} ${what}`, field);
}
