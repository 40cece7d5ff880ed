import { Restriction, type Envelope } from '../../../contract/generated/intelroute/v1/envelope';

/** What `authorizeSubscribe` allowed the subscriber to see. */
export interface SubscriptionFilter {
  /** The types the subscriber may read (an agency's grant), or every type. */
  readonly messageTypes: readonly string[] | 'all';
  /** An agency beyond the NCB: never shown a message flagged NCB_ONLY. */
  readonly agencyReader: boolean;
}

/** Why a message is not shown, or that it is. */
export type FilterVerdict = 'deliver' | 'type-not-granted' | 'ncb-only';

/**
 * May this subscriber see this message? Pure. A message that fails is skipped and committed
 * past, never delivered: the subscriber's position moves over it.
 */
export function filterVerdict(envelope: Envelope, filter: SubscriptionFilter): FilterVerdict {
  if (filter.messageTypes !== 'all' && !filter.messageTypes.includes(envelope.messageType)) {
    return 'type-not-granted';
  }
  const ncbOnly = envelope.handling?.restrictions.includes(Restriction.RESTRICTION_NCB_ONLY);
  if (filter.agencyReader && ncbOnly === true) return 'ncb-only';
  return 'deliver';
}
