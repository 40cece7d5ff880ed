export type { Identity, Role } from './identity';
export { ROLES } from './identity';
export {
  IDENTITY_URN_MAX_LENGTH,
  IDENTITY_URN_PREFIX,
  formatIdentityUrn,
  parseIdentityUrn,
  type IdentityUrnProblem,
} from './parse-identity-urn';
export {
  identityFromPeerCertificate,
  requireClientAuthUsage,
  type PeerCertificateInput,
  type PeerIdentityProblem,
} from './identity-from-certificate';
export { parseSubjectAltNames, type SubjectAltName } from './subject-alt-names';
