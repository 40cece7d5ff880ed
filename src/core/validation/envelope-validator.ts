import {
  InformationAccuracy,
  Priority,
  SourceReliability,
  type Envelope,
} from '../../contract/generated/intelroute/v1/envelope';
import { checkDestinations } from './envelope-destinations';
import {
  CASE_REFERENCE,
  EVALUATION_REQUIRED,
  INFORMATION_ACCURACIES,
  JSON_CONTENT_TYPE,
  PRIORITIES,
  SOURCE_RELIABILITIES,
  UUID,
  enumNames,
} from './envelope-formats';
import { checkHandling } from './envelope-handling';
import { checkOrigin } from './envelope-origin';
import { failureFromFindings } from './failure';
import type { CompiledSchema, SchemaRegistry } from './schema-registry';
import { finding, type Finding, type ValidationFailure } from './validation-types';

/** What the envelope checks need besides the envelope. */
export interface EnvelopeContext {
  readonly registry: SchemaRegistry;
  /** The gateway's clock reading for this message. */
  readonly now: Date;
  /** How far created_at may lie after `now`, in milliseconds. */
  readonly maxFutureSkewMs: number;
}

/** The envelope is acceptable: here is the payload schema its type and version select. */
export interface EnvelopeAccepted {
  readonly ok: true;
  readonly schema: CompiledSchema;
}

/**
 * Checks every envelope rule (see envelope.proto) and reports all broken ones at once, in proto
 * field order. The reason is the one shared by every finding, else ENVELOPE_INVALID.
 * Destination membership, origin/identity match and permissions are checked elsewhere.
 */
export function validateEnvelope(
  envelope: Envelope,
  context: EnvelopeContext,
): EnvelopeAccepted | ValidationFailure {
  const selected = selectSchema(envelope, context.registry);
  const findings: Finding[] = [
    ...checkMessageId(envelope.messageId),
    ...selected.findings,
    ...checkOrigin(envelope.origin),
    ...checkDestinations(envelope.destinations, envelope.messageType),
    ...checkHandling(envelope.handling),
    ...checkEvaluation(envelope),
    ...checkPriority(envelope.priority),
    ...checkInReplyTo(envelope),
    ...checkCaseReference(envelope.caseReference),
    ...checkCreatedAt(envelope.createdAt, context),
    ...checkContentType(envelope.contentType),
    ...checkReceipt(envelope),
  ];
  if (findings.length > 0 || selected.schema === undefined) {
    return failureFromFindings(findings);
  }
  return { ok: true, schema: selected.schema };
}

function checkMessageId(id: string): Finding[] {
  if (id === '') return [finding('ENVELOPE_INVALID', 'message_id', 'required', 'is required')];
  if (UUID.test(id)) return [];
  const message = 'must be a canonical lower-case UUID (RFC 9562)';
  return [finding('ENVELOPE_INVALID', 'message_id', 'pattern', message)];
}

function selectSchema(
  envelope: Envelope,
  registry: SchemaRegistry,
): { findings: Finding[]; schema?: CompiledSchema } {
  const { messageType: type, schemaVersion: version } = envelope;
  if (type === '') {
    return { findings: [finding('ENVELOPE_INVALID', 'message_type', 'required', 'is required')] };
  }
  if (!registry.types().includes(type)) {
    const message = `must be one of ${registry.types().join(', ')}`;
    return { findings: [finding('UNKNOWN_MESSAGE_TYPE', 'message_type', 'enum', message)] };
  }
  if (version === 0) {
    return { findings: [finding('ENVELOPE_INVALID', 'schema_version', 'required', 'is required')] };
  }
  const schema = registry.validatorFor(type, version);
  if (schema !== undefined) return { findings: [], schema };
  const accepted = registry.versions(type).join(', ');
  const message = `is not accepted for ${type} (accepted: ${accepted})`;
  return { findings: [finding('UNSUPPORTED_SCHEMA_VERSION', 'schema_version', 'enum', message)] };
}

function checkEvaluation(envelope: Envelope): Finding[] {
  const required = EVALUATION_REQUIRED.has(envelope.messageType);
  const evaluation = envelope.evaluation;
  if (evaluation === undefined) {
    const message = `is required for ${envelope.messageType}`;
    return required ? [finding('ENVELOPE_INVALID', 'evaluation', 'required', message)] : [];
  }
  const { sourceReliability, informationAccuracy } = evaluation;
  if (!required && sourceReliability === 0 && informationAccuracy === 0) return [];
  return [
    ...enumField(
      'evaluation.source_reliability',
      sourceReliability,
      SourceReliability,
      SOURCE_RELIABILITIES,
    ),
    ...enumField(
      'evaluation.information_accuracy',
      informationAccuracy,
      InformationAccuracy,
      INFORMATION_ACCURACIES,
    ),
  ];
}

function enumField(
  field: string,
  value: number,
  enumObject: Record<string, string | number>,
  accepted: ReadonlySet<number>,
): Finding[] {
  if (accepted.has(value)) return [];
  const keyword = value === 0 ? 'required' : 'enum';
  return [
    finding(
      'ENVELOPE_INVALID',
      field,
      keyword,
      `must be one of ${enumNames(enumObject, accepted)}`,
    ),
  ];
}

function checkPriority(priority: number): Finding[] {
  if (PRIORITIES.has(priority)) return [];
  const message = `must be one of ${enumNames(Priority, PRIORITIES)}`;
  return [finding('ENVELOPE_INVALID', 'priority', 'enum', message)];
}

function checkInReplyTo(envelope: Envelope): Finding[] {
  const value = envelope.inReplyTo;
  if (envelope.messageType !== 'information-response') {
    if (value === '') return [];
    const message = 'is only allowed on an information-response';
    return [finding('ENVELOPE_INVALID', 'in_reply_to', 'notAllowed', message)];
  }
  if (value === '') {
    const message = 'is required: the message_id of the request answered';
    return [finding('ENVELOPE_INVALID', 'in_reply_to', 'required', message)];
  }
  if (UUID.test(value)) return [];
  const message = 'must be a canonical lower-case UUID (RFC 9562)';
  return [finding('ENVELOPE_INVALID', 'in_reply_to', 'pattern', message)];
}

function checkCaseReference(reference: string): Finding[] {
  if (reference === '' || CASE_REFERENCE.test(reference)) return [];
  const message = 'must be 1-64 characters of [A-Za-z0-9._:/-]';
  return [finding('ENVELOPE_INVALID', 'case_reference', 'pattern', message)];
}

/**
 * No message of this network predates 2000: an earlier created_at is a sender's unset or zeroed
 * clock (1970-01-01, year 1), which readers would sort and age wrongly.
 */
export const EARLIEST_CREATED_AT = new Date('2000-01-01T00:00:00.000Z');

function checkCreatedAt(createdAt: Date | undefined, context: EnvelopeContext): Finding[] {
  if (createdAt === undefined) {
    return [finding('ENVELOPE_INVALID', 'created_at', 'required', 'is required')];
  }
  const time = createdAt.getTime();
  if (Number.isNaN(time)) {
    return [finding('ENVELOPE_INVALID', 'created_at', 'format', 'must be a valid timestamp')];
  }
  if (time < EARLIEST_CREATED_AT.getTime()) {
    const message = `must not be before ${EARLIEST_CREATED_AT.toISOString()} (an unset or zero clock)`;
    return [finding('ENVELOPE_INVALID', 'created_at', 'minimum', message)];
  }
  if (time <= context.now.getTime() + context.maxFutureSkewMs) return [];
  const seconds = Math.round(context.maxFutureSkewMs / 1000);
  const message = `must not be more than ${seconds} s ahead of the gateway's clock`;
  return [finding('CREATED_AT_IN_FUTURE', 'created_at', 'maximum', message)];
}

function checkContentType(contentType: string): Finding[] {
  if (contentType === '') return [];
  if (contentType.length <= 64 && JSON_CONTENT_TYPE.test(contentType)) return [];
  const message = 'must be application/json (optionally with "; charset=utf-8")';
  return [finding('UNSUPPORTED_CONTENT_TYPE', 'content_type', 'enum', message)];
}

function checkReceipt(envelope: Envelope): Finding[] {
  if (envelope.receipt === undefined) return [];
  const message = 'must be left unset: the gateway fills it in';
  return [finding('RECEIPT_NOT_ALLOWED', 'receipt', 'notAllowed', message)];
}
