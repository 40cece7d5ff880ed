export { accessMatrix, formatAccessMatrix, type AccessRow } from './access-matrix';
export {
  STREAM_NAMES,
  STREAMS_OF_ROLE,
  type AuthorizationRefusal,
  type StreamName,
} from './authorization-types';
export {
  authorizePublish,
  type PublishAuthorization,
  type PublishRequestContext,
} from './authorize-publish';
export {
  authorizeSubscribe,
  type SubscribeAuthorization,
  type SubscribeRequestContext,
} from './authorize-subscribe';
export { diffGrants, type AgencyScopeField, type GrantChange } from './diff-grants';
export { lookupGrant, ncbCopyCountries, type GrantLookup } from './grant-lookup';
export { GRANTS_SCHEMA } from './grant-schema';
export type { AgencyGrant, GrantTable, NcbGrants } from './grant-types';
export { EMPTY_GRANTS, loadGrants, type LoadGrantsOptions } from './load-grants';
export { loadPublishPolicy, roleMayPublish, type PublishPolicy } from './load-policy';
export { POLICY_SCHEMA } from './policy-schema';
