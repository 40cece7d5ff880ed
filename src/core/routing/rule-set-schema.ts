import { MESSAGE_TYPES } from '../../contract/message-types';
import { ORIGIN_KIND_NAMES, RULE_ACTIONS, RULE_REFUSAL_REASONS } from './rule-types';

/** RFC 6901 JSON pointer: empty (the whole payload) or `/`-separated tokens, `~` escaped. */
const JSON_POINTER_PATTERN = '^(/([^~/]|~[01])*)*$';

const PAYLOAD_CONDITION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['pointer'],
  properties: {
    pointer: { type: 'string', pattern: JSON_POINTER_PATTERN },
    equals: {},
    in: { type: 'array', minItems: 1 },
    exists: { type: 'boolean' },
  },
} as const;

const MATCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    messageTypes: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: [...MESSAGE_TYPES] },
    },
    schemaVersions: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'integer', minimum: 1 },
    },
    originKinds: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: [...ORIGIN_KIND_NAMES] },
    },
    originCountries: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Z]{2}$' },
    },
    destinations: { enum: ['present', 'absent'] },
    payload: { type: 'array', minItems: 1, items: PAYLOAD_CONDITION_SCHEMA },
  },
} as const;

const RULE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'match'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    match: MATCH_SCHEMA,
    actions: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: [...RULE_ACTIONS] },
    },
    refuse: {
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'message'],
      properties: {
        reason: { enum: [...RULE_REFUSAL_REASONS] },
        message: { type: 'string', minLength: 1, maxLength: 500 },
      },
    },
  },
} as const;

/**
 * JSON Schema of a routing rule set (config/routing.yaml). Cross-field constraints a schema
 * states poorly (exactly one of `actions`/`refuse`, exactly one test per payload condition,
 * unique and unreserved ids) are checked by load-rule-set.ts, which reports them alongside the
 * schema's own errors.
 */
export const RULE_SET_SCHEMA = {
  $id: 'urn:intelroute:routing-rules:v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'rules'],
  properties: {
    version: { const: 1 },
    rules: { type: 'array', minItems: 1, items: RULE_SCHEMA },
  },
} as const;
