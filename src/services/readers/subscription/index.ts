export { AckTracker, deliveryIdOf, type AckResult } from './ack-tracker';
export { CommitFlusher, type CommitFlusherOptions } from './commit-flusher';
export {
  Subscription,
  type AckOutcome,
  type SubscriptionDelivery,
  type SubscriptionOptions,
} from './subscription';
export { filterVerdict, type FilterVerdict, type SubscriptionFilter } from './subscription-filter';
export {
  SubscriptionService,
  type OpenSubscriptionOptions,
  type SubscribeGrant,
  type SubscriptionServiceOptions,
} from './subscription-service';
