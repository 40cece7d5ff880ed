import { createHash } from 'node:crypto';
import {
  appendToChain,
  auditFields,
  auditRecordsFor,
  auditTopicsFor,
  GENESIS_HASH,
  outboundAuditRecords,
  parseAuditValue,
  parseChainHead,
  resumeChain,
  startChain,
} from '../../../src/audit';
import { isIntelrouteError } from '../../../src/core/errors';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';
import { eventFields } from './audit-fixtures';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('appendToChain', () => {
  const genesis = startChain('gateway-1');

  it('starts at sequence 0 with 64 zeros as previous hash, and hashes the exact value bytes', () => {
    const first = appendToChain(genesis, eventFields('gateway-1', 0));
    expect(first.record.sequence).toBe('0');
    expect(first.record.previousHash).toBe('0'.repeat(64));
    expect(first.hash).toBe(sha256(first.value));
    expect(first.next).toEqual({
      chainId: 'gateway-1',
      nextSequence: 1n,
      previousHash: first.hash,
    });
  });

  it('links each record to the SHA-256 of the previous value bytes, sequence by sequence', () => {
    const first = appendToChain(genesis, eventFields('gateway-1', 0));
    const second = appendToChain(first.next, eventFields('gateway-1', 1));
    const third = appendToChain(second.next, eventFields('gateway-1', 2));
    expect(second.record.previousHash).toBe(sha256(first.value));
    expect(third.record.previousHash).toBe(sha256(second.value));
    expect([second.record.sequence, third.record.sequence]).toEqual(['1', '2']);
    // The link is in the bytes written, not only in the returned record.
    expect(JSON.parse(third.value.toString())).toMatchObject({
      sequence: '2',
      previousHash: sha256(second.value),
    });
  });

  it('writes the proto3 JSON mapping byte for byte: field-number order, defaults omitted', () => {
    const appended = appendToChain(
      genesis,
      auditFields({
        event: AuditEvent.AUDIT_EVENT_REFUSED,
        at: new Date('2025-03-01T10:00:00Z'),
        messageId: 'm-1',
        reason: 'SCHEMA_VIOLATION',
        fields: ['payload/urls/0'],
        changes: { z: '1', a: '2' },
      }),
    );
    expect(appended.value.toString('utf8')).toBe(
      `{"chainId":"gateway-1","previousHash":"${GENESIS_HASH}","event":"AUDIT_EVENT_REFUSED",` +
        `"at":"2025-03-01T10:00:00.000Z","messageId":"m-1","reason":"SCHEMA_VIOLATION",` +
        `"fields":["payload/urls/0"],"changes":{"a":"2","z":"1"}}`,
    );
  });

  it('gives the same bytes for the same state and fields, whatever order `changes` was built in', () => {
    const fields = { ...eventFields('gateway-1', 3), changes: { b: 'x', a: 'y', '10': 'z' } };
    const reordered = { ...fields, changes: { '10': 'z', a: 'y', b: 'x' } };
    const one = appendToChain(genesis, fields);
    expect(appendToChain(genesis, fields).value.equals(one.value)).toBe(true);
    expect(appendToChain(genesis, reordered).value.equals(one.value)).toBe(true);
  });

  it('returns the record a reader decodes from the value', () => {
    const appended = appendToChain(genesis, eventFields('gateway-1', 0));
    expect(appended.record).toEqual(parseAuditValue(appended.value));
    expect(appended.record.locations).toEqual([
      { topic: 'intel.v1.secretariat', partition: 0, offset: '0' },
    ]);
  });

  it('takes chain id, sequence and previous hash from the state, never from the fields', () => {
    const forged = {
      ...AuditRecord.fromPartial({
        chainId: 'other',
        sequence: '99',
        previousHash: 'f'.repeat(64),
      }),
      event: AuditEvent.AUDIT_EVENT_RECEIVED,
      at: new Date(0),
    };
    const { record } = appendToChain(genesis, forged);
    expect([record.chainId, record.sequence, record.previousHash]).toEqual([
      'gateway-1',
      '0',
      GENESIS_HASH,
    ]);
  });

  it('refuses a record without a valid time or with an unspecified event', () => {
    const codeOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return isIntelrouteError(error) ? error.code : 'other';
      }
      return undefined;
    };
    const fields = eventFields('gateway-1', 0);
    expect(codeOf(() => appendToChain(genesis, { ...fields, at: new Date(NaN) }))).toBe(
      'AUDIT_RECORD_INVALID',
    );
    expect(
      codeOf(() =>
        appendToChain(genesis, { ...fields, event: AuditEvent.AUDIT_EVENT_UNSPECIFIED }),
      ),
    ).toBe('AUDIT_RECORD_INVALID');
    expect(codeOf(() => startChain(''))).toBe('AUDIT_RECORD_INVALID');
  });

  it('leaves the state it was given unchanged (states are frozen)', () => {
    appendToChain(genesis, eventFields('gateway-1', 0));
    expect(genesis).toEqual({ chainId: 'gateway-1', nextSequence: 0n, previousHash: GENESIS_HASH });
    expect(Object.isFrozen(genesis)).toBe(true);
  });
});

describe('auditRecordsFor (one transaction)', () => {
  const genesis = startChain('reader-FR');
  const fields = [0, 1, 2].map((n) => eventFields('reader-FR', n));

  it('appends in order and names the last record as the head to write with them', () => {
    const batch = auditRecordsFor(genesis, fields);
    expect(batch.appended.map((entry) => entry.record.sequence)).toEqual(['0', '1', '2']);
    expect(batch.appended[1]?.record.previousHash).toBe(batch.appended[0]?.hash);
    expect(batch.head).toEqual({
      chainId: 'reader-FR',
      sequence: '2',
      hash: batch.appended[2]?.hash,
    });
    expect(batch.next).toEqual({
      chainId: 'reader-FR',
      nextSequence: 3n,
      previousHash: batch.head?.hash,
    });
  });

  it('lets an aborted batch be discarded: the kept state appends the same sequence again', () => {
    const aborted = auditRecordsFor(genesis, fields.slice(0, 2));
    const retried = auditRecordsFor(genesis, fields.slice(2));
    expect(aborted.next.nextSequence).toBe(2n);
    expect(retried.appended[0]?.record.sequence).toBe('0');
    expect(retried.appended[0]?.record.previousHash).toBe(GENESIS_HASH);
  });

  it('writes nothing and keeps the state for an empty batch', () => {
    const batch = auditRecordsFor(genesis, []);
    expect(batch.head).toBeUndefined();
    expect(batch.next).toBe(genesis);
    expect(outboundAuditRecords(batch, auditTopicsFor(''))).toEqual([]);
  });

  it('continues a chain from its committed head after a restart', () => {
    const first = auditRecordsFor(genesis, fields.slice(0, 2));
    const whole = auditRecordsFor(genesis, fields);
    const resumed = auditRecordsFor(resumeChain(first.head!), fields.slice(2));
    expect(resumed.appended[0]?.value.equals(whole.appended[2]!.value)).toBe(true);
  });

  it('produces the records of one transaction: audit records keyed by chain, then the head', () => {
    const batch = auditRecordsFor(genesis, fields);
    const out = outboundAuditRecords(batch, auditTopicsFor('staging.'));
    expect(out.map((record) => record.topic)).toEqual([
      'staging.intel.v1.audit',
      'staging.intel.v1.audit',
      'staging.intel.v1.audit',
      'staging.intel.v1.audit.heads',
    ]);
    expect(out.every((record) => record.key.toString() === 'reader-FR')).toBe(true);
    expect(out.every((record) => record.headers['content-type'] === 'application/json')).toBe(true);
    expect(out[1]?.value.equals(batch.appended[1]!.value)).toBe(true);
    expect(out[3]?.value.toString()).toBe(
      `{"chainId":"reader-FR","sequence":"2","hash":"${batch.head?.hash}"}`,
    );
    expect(parseChainHead(out[3]!.value)).toEqual(batch.head);
  });
});
