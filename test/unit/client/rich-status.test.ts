import * as grpc from '@grpc/grpc-js';
import { refusalFromCallStatus } from '../../../src/client/refusal';
import { statusFromMetadata, statusToMetadata } from '../../../src/contract/status-trailer';
import {
  ERROR_DOMAIN,
  STATUS_DETAILS_TRAILER,
  decodeStatus,
  encodeStatus,
  refusalFromStatus,
  refusalStatus,
} from '../../../src/contract/rich-status';
import { Any } from '../../../src/contract/generated/google/protobuf/any';
import {
  BadRequest,
  ErrorInfo,
  RetryInfo,
} from '../../../src/contract/generated/google/rpc/error_details';
import { Status } from '../../../src/contract/generated/google/rpc/status';

const schemaViolation = {
  grpcCode: grpc.status.INVALID_ARGUMENT,
  reason: 'SCHEMA_VIOLATION',
  message: 'the payload does not match online-vendor-report v1',
  fieldViolations: [
    { field: 'payload/urls/0', description: 'must be a URI', reason: 'format' },
    { field: 'handling.restricted_to[2]', description: 'not a member country', reason: '' },
  ],
  metadata: { message_id: '0c4d1f9e-7a2b-4c8e-9f3a-2b1d5e6f7a8b' },
};

function any(typeUrl: string, value: Uint8Array): Any {
  return { typeUrl, value: Buffer.from(value) };
}

describe('rich status: encode and decode (pure)', () => {
  it('round-trips a refusal through the trailer bytes', () => {
    const bytes = encodeStatus(refusalStatus({ ...schemaViolation, retryDelayMs: 1_500 }));
    const refusal = refusalFromStatus(decodeStatus(bytes));
    expect(refusal).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      codeName: 'INVALID_ARGUMENT',
      reason: 'SCHEMA_VIOLATION',
      domain: ERROR_DOMAIN,
      message: schemaViolation.message,
      fieldViolations: schemaViolation.fieldViolations,
      retryDelayMs: 1_500,
      metadata: schemaViolation.metadata,
    });
  });

  it('writes ErrorInfo first, BadRequest only with violations, RetryInfo only with a delay', () => {
    const bare = refusalStatus({ grpcCode: 7, reason: 'ROLE_NOT_PERMITTED', message: 'no' });
    expect(bare.details.map((detail) => detail.typeUrl)).toEqual([
      'type.googleapis.com/google.rpc.ErrorInfo',
    ]);
    const full = refusalStatus({ ...schemaViolation, retryDelayMs: 0 });
    expect(full.details.map((detail) => detail.typeUrl)).toEqual([
      'type.googleapis.com/google.rpc.ErrorInfo',
      'type.googleapis.com/google.rpc.BadRequest',
      'type.googleapis.com/google.rpc.RetryInfo',
    ]);
  });

  it('refuses to build a refusal with OK or an unknown code, or a negative delay', () => {
    expect(() => refusalStatus({ ...schemaViolation, grpcCode: 0 })).toThrow(RangeError);
    expect(() => refusalStatus({ ...schemaViolation, grpcCode: 17 })).toThrow(RangeError);
    expect(() => refusalStatus({ ...schemaViolation, retryDelayMs: -1 })).toThrow(RangeError);
  });

  it('decodes a Status another implementation built: any URL prefix, unknown and broken details skipped', () => {
    // As a Go or Java gateway might send it: a custom prefix, a DebugInfo we do not know, two
    // BadRequests, a RetryInfo with nanos, and a detail whose bytes are not an ErrorInfo.
    const foreign = Status.encode({
      code: grpc.status.RESOURCE_EXHAUSTED,
      message: 'slow down',
      details: [
        any('type.googleapis.com/google.rpc.DebugInfo', Buffer.from([0x0a, 0x01, 0x78])),
        any('type.googleapis.com/google.rpc.ErrorInfo', Buffer.from([0x0a, 0xff])),
        any(
          'example.org/types/google.rpc.ErrorInfo',
          ErrorInfo.encode({ reason: 'RATE_LIMITED', domain: ERROR_DOMAIN, metadata: {} }).finish(),
        ),
        any(
          'type.googleapis.com/google.rpc.BadRequest',
          BadRequest.encode({
            fieldViolations: [{ field: 'a', description: 'A', reason: '' }],
          }).finish(),
        ),
        any(
          'type.googleapis.com/google.rpc.RetryInfo',
          RetryInfo.encode({ retryDelay: { seconds: '2', nanos: 250_000_000 } }).finish(),
        ),
        any(
          'type.googleapis.com/google.rpc.BadRequest',
          BadRequest.encode({
            fieldViolations: [{ field: 'b', description: 'B', reason: 'r' }],
          }).finish(),
        ),
      ],
    }).finish();
    const refusal = refusalFromStatus(decodeStatus(foreign));
    expect(refusal.reason).toBe('RATE_LIMITED');
    expect(refusal.codeName).toBe('RESOURCE_EXHAUSTED');
    expect(refusal.retryDelayMs).toBe(2_250);
    expect(refusal.fieldViolations.map((violation) => violation.field)).toEqual(['a', 'b']);
  });

  it('reads a Status without details as a refusal with an empty reason', () => {
    const refusal = refusalFromStatus({ code: 14, message: 'Connection dropped', details: [] });
    expect(refusal).toMatchObject({ codeName: 'UNAVAILABLE', reason: '', fieldViolations: [] });
    expect(refusal.retryDelayMs).toBeUndefined();
  });
});

describe('rich status in grpc-js metadata', () => {
  it('puts the Status in grpc-status-details-bin and reads it back', () => {
    const status = refusalStatus(schemaViolation);
    const metadata = statusToMetadata(status);
    const raw = metadata.get(STATUS_DETAILS_TRAILER)[0];
    expect(Buffer.isBuffer(raw)).toBe(true);
    expect(statusFromMetadata(metadata)).toEqual(status);
  });

  it('ignores a trailer that does not decode, keeping the call status', () => {
    const metadata = new grpc.Metadata();
    metadata.set(STATUS_DETAILS_TRAILER, Buffer.from([0x0a, 0xff, 0xff]));
    const refusal = refusalFromCallStatus({ code: 13, details: 'boom', metadata });
    expect(refusal).toMatchObject({ code: 13, codeName: 'INTERNAL', message: 'boom', reason: '' });
  });

  it('ignores a trailer whose code differs from the call status', () => {
    const metadata = statusToMetadata(refusalStatus(schemaViolation));
    const refusal = refusalFromCallStatus({
      code: grpc.status.UNAVAILABLE,
      details: 'x',
      metadata,
    });
    expect(refusal).toMatchObject({ codeName: 'UNAVAILABLE', reason: '', fieldViolations: [] });
  });
});
