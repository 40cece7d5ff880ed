import { MESSAGE_TYPES } from '../../contract/message-types';

/** `urn:intelroute:agency:<CC>:<agency-id>` (gateway.proto's certificate URN form). */
export const AGENCY_URN_PATTERN = '^urn:intelroute:agency:([A-Z]{2}):([a-z0-9-]{1,64})$';

const TYPE_LIST = {
  type: 'array',
  uniqueItems: true,
  items: { enum: [...MESSAGE_TYPES] },
} as const;

const AGENCY_GRANT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['agency', 'publish'],
  properties: {
    agency: { type: 'string', pattern: AGENCY_URN_PATTERN },
    publish: TYPE_LIST,
    read: {
      type: 'object',
      additionalProperties: false,
      required: ['streams', 'messageTypes'],
      properties: {
        streams: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: ['country-inbox'] },
        },
        messageTypes: { ...TYPE_LIST, minItems: 1 },
      },
    },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * JSON Schema of the delegated-access grants (config/grants.example.yaml). That each NCB only
 * grants agencies of its own country, and that NCBs and agencies are listed once, are checked
 * by load-grants.ts alongside the schema's errors.
 */
export const GRANTS_SCHEMA = {
  $id: 'urn:intelroute:grants:v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'ncbs'],
  properties: {
    version: { const: 1 },
    ncbs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['country'],
        properties: {
          country: { type: 'string', pattern: '^[A-Z]{2}$' },
          copyAgencySends: { type: 'boolean' },
          agencies: { type: 'array', items: AGENCY_GRANT_SCHEMA },
        },
      },
    },
  },
} as const;
