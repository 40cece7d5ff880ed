import { ROLES } from '../../identity/identity';
import { MESSAGE_TYPES } from '../../contract/message-types';

const TYPE_LIST = {
  type: 'array',
  uniqueItems: true,
  items: { enum: [...MESSAGE_TYPES] },
} as const;

/**
 * JSON Schema of the publish policy (config/policy.yaml): for every role, the message types it
 * may publish. Every role must be listed, so a forgotten role is an error rather than a silent
 * "nothing"; operators never publish (DOMAIN.md), so their list must stay empty.
 */
export const POLICY_SCHEMA = {
  $id: 'urn:intelroute:publish-policy:v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'publish'],
  properties: {
    version: { const: 1 },
    publish: {
      type: 'object',
      additionalProperties: false,
      required: [...ROLES],
      properties: {
        ncb: TYPE_LIST,
        agency: TYPE_LIST,
        secretariat: TYPE_LIST,
        wg: TYPE_LIST,
        ops: { ...TYPE_LIST, maxItems: 0 },
        system: TYPE_LIST,
      },
    },
  },
} as const;
