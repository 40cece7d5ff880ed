import Ajv from 'ajv';
import type { Role } from '../../identity/identity';
import type { MessageType } from '../../contract/message-types';
import { parseValidatedDocument } from '../routing/validated-document';
import { POLICY_SCHEMA } from './policy-schema';

/** Which message types each role may publish; agencies are further bounded by their grant. */
export interface PublishPolicy {
  readonly version: 1;
  readonly publish: Readonly<Record<Role, readonly MessageType[]>>;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validatePolicy = ajv.compile(POLICY_SCHEMA);

/**
 * Parses and validates a publish policy (YAML or JSON, see config/policy.yaml).
 * @returns the policy, deep-frozen.
 * @throws IntelrouteError POLICY_INVALID listing every problem.
 */
export function loadPublishPolicy(text: string): PublishPolicy {
  return parseValidatedDocument(text, {
    label: 'publish policy',
    errorCode: 'POLICY_INVALID',
    validate: validatePolicy,
    check: () => [],
  }) as PublishPolicy;
}

/** True when the policy lets `role` publish `messageType` (before any grant). */
export function roleMayPublish(policy: PublishPolicy, role: Role, messageType: string): boolean {
  return (policy.publish[role] as readonly string[]).includes(messageType);
}
