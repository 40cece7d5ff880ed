import { AuditEvent, AuditRecord } from '../contract/generated/intelroute/v1/records';
import { IntelrouteError } from '../core/errors';
import {
  GENESIS_HASH,
  isHash,
  parseAuditValue,
  serializeAuditRecord,
  sha256Hex,
} from './audit-format';
import type { AuditChainHead } from './audit-head';

/**
 * Where a writer's chain stands: the sequence and previous_hash its next record gets. Immutable:
 * appending returns a new state, so a writer keeps the committed one until its transaction
 * commits and simply drops the new one if the transaction aborts.
 */
export interface ChainState {
  readonly chainId: string;
  readonly nextSequence: bigint;
  readonly previousHash: string;
}

/** What a writer says happened: an AuditRecord without the chain fields, with its time. */
export type AuditFields = Omit<AuditRecord, 'chainId' | 'sequence' | 'previousHash' | 'at'> & {
  readonly at: Date;
};

/** One appended record: the record, the exact value bytes to write, and their hash. */
export interface AppendedAuditRecord {
  /** The record as a reader decodes it from `value`. */
  readonly record: AuditRecord;
  /** The Kafka value to write, byte for byte (see serializeAuditRecord). */
  readonly value: Buffer;
  /** Lowercase hex SHA-256 of `value`: the next record's previous_hash. */
  readonly hash: string;
  /** The chain after this record. */
  readonly next: ChainState;
}

/** Records appended for one transaction, the chain after them and the head to write with them. */
export interface AuditBatch {
  readonly appended: readonly AppendedAuditRecord[];
  readonly next: ChainState;
  /** Undefined when no record was appended (then nothing is written). */
  readonly head: AuditChainHead | undefined;
}

/**
 * The state of a new chain: sequence 0, previous_hash 64 zeros.
 * @throws IntelrouteError AUDIT_RECORD_INVALID when `chainId` is empty.
 */
export function startChain(chainId: string): ChainState {
  if (chainId === '') throw new IntelrouteError('AUDIT_RECORD_INVALID', 'chain id is empty');
  return Object.freeze({ chainId, nextSequence: 0n, previousHash: GENESIS_HASH });
}

/**
 * The state after a chain's committed head (a writer restarting with the same chain id reads it
 * from the heads topic and continues the chain).
 * @throws IntelrouteError AUDIT_RECORD_INVALID for an empty chain id or a malformed hash.
 */
export function resumeChain(head: AuditChainHead): ChainState {
  if (head.chainId === '' || !isHash(head.hash) || !/^[0-9]+$/.test(head.sequence)) {
    throw new IntelrouteError('AUDIT_RECORD_INVALID', 'not a usable chain head');
  }
  return Object.freeze({
    chainId: head.chainId,
    nextSequence: BigInt(head.sequence) + 1n,
    previousHash: head.hash,
  });
}

/**
 * Appends one record to the chain. Pure: the same state and fields always give the same bytes.
 * @throws IntelrouteError AUDIT_RECORD_INVALID when `at` is not a valid date, the event is
 *   unspecified or unknown, or the state is not a chain state.
 */
export function appendToChain(state: ChainState, fields: AuditFields): AppendedAuditRecord {
  checkState(state);
  if (!(fields.at instanceof Date) || Number.isNaN(fields.at.getTime())) {
    throw new IntelrouteError('AUDIT_RECORD_INVALID', 'audit record time is not a valid date');
  }
  if (fields.event === AuditEvent.AUDIT_EVENT_UNSPECIFIED) {
    throw new IntelrouteError('AUDIT_RECORD_INVALID', 'audit record event is unspecified');
  }
  const value = serializeAuditRecord(chainedRecord(state, fields));
  const hash = sha256Hex(value);
  // Decoded only when asked for: writers need the bytes and the hash, not the record back.
  let decoded: AuditRecord | undefined;
  return Object.freeze({
    get record(): AuditRecord {
      decoded ??= parseAuditValue(value);
      return decoded;
    },
    value,
    hash,
    next: Object.freeze({
      chainId: state.chainId,
      nextSequence: state.nextSequence + 1n,
      previousHash: hash,
    }),
  });
}

/**
 * Appends several records in order (one transaction's worth) and gives the head to write in the
 * same transaction. `state` is left as it was: adopt `next` only once the transaction commits.
 * @throws IntelrouteError AUDIT_RECORD_INVALID as appendToChain.
 */
export function auditRecordsFor(state: ChainState, fieldsList: readonly AuditFields[]): AuditBatch {
  const appended: AppendedAuditRecord[] = [];
  let current = state;
  for (const fields of fieldsList) {
    const entry = appendToChain(current, fields);
    appended.push(entry);
    current = entry.next;
  }
  const last = appended[appended.length - 1];
  const head =
    last === undefined
      ? undefined
      : Object.freeze({
          chainId: state.chainId,
          sequence: (current.nextSequence - 1n).toString(),
          hash: last.hash,
        });
  return Object.freeze({ appended: Object.freeze(appended), next: current, head });
}

/**
 * `fields` placed at the chain's next position. Written out member by member: spreading the
 * fields and adding the chain members made an object V8 reads slowly, on every audit record.
 */
function chainedRecord(state: ChainState, fields: AuditFields): AuditRecord {
  return {
    chainId: state.chainId,
    sequence: state.nextSequence.toString(),
    previousHash: state.previousHash,
    event: fields.event,
    at: fields.at,
    messageId: fields.messageId,
    messageType: fields.messageType,
    origin: fields.origin,
    identity: fields.identity,
    traceId: fields.traceId,
    payloadSha256: fields.payloadSha256,
    payloadSize: fields.payloadSize,
    locations: fields.locations,
    routesNotTaken: fields.routesNotTaken,
    reason: fields.reason,
    description: fields.description,
    fields: fields.fields,
    ruleId: fields.ruleId,
    reader: fields.reader,
    changes: fields.changes,
  };
}

function checkState(state: ChainState): void {
  if (state.chainId === '' || state.nextSequence < 0n || !isHash(state.previousHash)) {
    throw new IntelrouteError('AUDIT_RECORD_INVALID', 'not a chain state');
  }
}

/**
 * AuditFields from the fields that matter to an event: everything else takes its proto3
 * default (empty strings and lists, payload size "0"). Written out member by member, as
 * chainedRecord is: it runs for every audit record.
 */
export function auditFields(
  fields: Partial<AuditFields> & Pick<AuditFields, 'event' | 'at'>,
): AuditFields {
  return {
    event: fields.event,
    at: fields.at,
    messageId: fields.messageId ?? '',
    messageType: fields.messageType ?? '',
    origin: fields.origin ?? '',
    identity: fields.identity ?? '',
    traceId: fields.traceId ?? '',
    payloadSha256: fields.payloadSha256 ?? '',
    payloadSize: fields.payloadSize ?? '0',
    locations: fields.locations ?? [],
    routesNotTaken: fields.routesNotTaken ?? [],
    reason: fields.reason ?? '',
    description: fields.description ?? '',
    fields: fields.fields ?? [],
    ruleId: fields.ruleId ?? '',
    reader: fields.reader ?? '',
    changes: fields.changes ?? {},
  };
}
