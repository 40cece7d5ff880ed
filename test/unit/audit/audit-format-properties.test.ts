import fc from 'fast-check';
import {
  appendToChain,
  serializeAuditRecord,
  startChain,
  type AuditFields,
} from '../../../src/audit';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';

/**
 * The audit value's bytes are what the chain hashes, so the hot-path serialisation must give
 * exactly what the documented rule gives: JSON.stringify of the generated proto3 JSON mapping,
 * `changes` re-inserted with sorted keys. This is that rule, written the plain way.
 */
function referenceValue(record: AuditRecord): Buffer {
  const changes: Record<string, string> = {};
  for (const key of Object.keys(record.changes).sort()) changes[key] = record.changes[key] ?? '';
  return Buffer.from(JSON.stringify(AuditRecord.toJSON({ ...record, changes })), 'utf8');
}

// Any UTF-16 text, lone surrogates included (JSON.stringify escapes them).
const text = fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 12 }));
const decimal = fc.oneof(fc.constant('0'), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String));
const location = fc.record({
  topic: text,
  partition: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 2 ** 31 - 1 })),
  offset: decimal,
});
const routeNotTaken = fc.record({ topic: text, reason: text, description: text });
// Integer-like keys sort apart in JavaScript objects; "__proto__" is dropped by the mapping.
const changeKey = fc.oneof(text, fc.constantFrom('0', '10', '2', '__proto__', 'constructor'));
const event = fc.constantFrom(
  ...Object.values(AuditEvent).filter(
    (value): value is AuditEvent => typeof value === 'number' && value > 0,
  ),
);

const fieldsArbitrary: fc.Arbitrary<AuditFields> = fc.record({
  event,
  at: fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true }),
  messageId: text,
  messageType: text,
  origin: text,
  identity: text,
  traceId: text,
  payloadSha256: text,
  payloadSize: decimal,
  locations: fc.array(location, { maxLength: 4 }),
  routesNotTaken: fc.array(routeNotTaken, { maxLength: 3 }),
  reason: text,
  description: text,
  fields: fc.array(text, { maxLength: 3 }),
  ruleId: text,
  reader: text,
  changes: fc
    .array(fc.tuple(changeKey, text), { maxLength: 5 })
    .map((entries) => Object.fromEntries(entries)),
});

describe('audit value serialisation', () => {
  it('gives the bytes of the proto3 JSON mapping with sorted changes, for any record', () => {
    fc.assert(
      fc.property(fieldsArbitrary, text, decimal, (fields, chainId, sequence) => {
        const record: AuditRecord = {
          ...fields,
          chainId,
          sequence,
          previousHash: 'ab'.repeat(32),
        };
        expect(serializeAuditRecord(record).equals(referenceValue(record))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('appends exactly the reference bytes of the fields at the chain position', () => {
    fc.assert(
      fc.property(fieldsArbitrary, (fields) => {
        const state = startChain('gateway-1');
        const appended = appendToChain(state, fields);
        const expected = referenceValue({
          ...fields,
          chainId: 'gateway-1',
          sequence: '0',
          previousHash: state.previousHash,
        });
        expect(appended.value.equals(expected)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
