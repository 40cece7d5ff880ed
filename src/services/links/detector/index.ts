/**
 * The link detector: observations re-keyed by selector key, the per-partition index backed by a
 * compacted changelog, and hit/no-hit link alerts sent through the gateway (README.md).
 */
export { LinkDetector, linkDetectorGroups, type LinkDetectorOptions } from './link-detector';
export { linksOfMessage, readLinkIndex, type LinkListing } from './show-links';
export {
  alertsDue,
  decideOnObservation,
  linkIdOf,
  markTold,
  type AlertPlan,
  type LinkDecision,
} from './link-decision';
export { alertEnvelope, alertContactPoint, type AlertContactPoint } from './alert-envelope';
export { applyObservation, decodeLinkState, encodeLinkState, type LinkState } from './link-state';
export { isLink, viewFor, type CountryMatch, type RecipientView } from './link-views';
export { observationsOf, REPORT_TYPES, type NotObserved } from './observation';
export {
  decodeObservation,
  encodeObservation,
  type ObservedHandling,
  type SelectorObservation,
  type StoredObservation,
} from './observation-types';
export { mayLearnOf, recipientOfIdentity, SECRETARIAT, type Recipient } from './visibility';
