export {
  validateMessage,
  DEFAULT_MAX_FUTURE_SKEW_MS,
  type ValidateMessageOptions,
} from './validate-message';
export {
  validateEnvelope,
  type EnvelopeAccepted,
  type EnvelopeContext,
} from './envelope-validator';
export {
  validatePayload,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type PayloadOptions,
} from './payload-validator';
export {
  buildSchemaRegistry,
  loadSchemaRegistry,
  schemaIdFor,
  SCHEMA_DIALECT,
  type CompiledSchema,
  type LoadSchemaRegistryOptions,
  type SchemaRegistry,
  type SchemaRegistryOptions,
} from './schema-registry';
export { readSchemaSources, type SchemaSource } from './schema-files';
export { lintSchema } from './schema-lint';
export { patternProblems } from './pattern-safety';
export { MAX_VIOLATIONS } from './failure';
export { MAX_PAYLOAD_DEPTH, type StructureLimits } from './json-structure';
export {
  VALIDATION_REASONS,
  type ReasonName,
  type ValidationFailure,
  type ValidationReason,
  type ValidationResult,
  type ValidationSuccess,
  type Violation,
} from './validation-types';
