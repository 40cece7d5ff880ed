import { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';

/**
 * Hand-made protobuf, for values the generated encoder cannot produce (an int64 Timestamp
 * beyond JavaScript dates, invalid UTF-8 in a string field).
 */

/** Unsigned LEB128 of a 64-bit value (negative numbers as two's complement, 10 bytes). */
export function varint(value: bigint): Buffer {
  let rest = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return Buffer.from(bytes);
}

/** A length-delimited field (wire type 2). */
export function lengthDelimited(fieldNumber: number, body: Uint8Array): Buffer {
  return Buffer.concat([varint(BigInt((fieldNumber << 3) | 2)), varint(BigInt(body.length)), body]);
}

/** A varint field (wire type 0). */
export function varintField(fieldNumber: number, value: bigint): Buffer {
  return Buffer.concat([varint(BigInt(fieldNumber << 3)), varint(value)]);
}

/** Envelope field numbers used here (proto/intelroute/v1/envelope.proto). */
export const ENVELOPE_CREATED_AT = 11;

/** `envelope` encoded, with `created_at` = { seconds, nanos } whatever their range. */
export function envelopeBytesWithCreatedAt(envelope: Envelope, seconds: bigint, nanos = 0): Buffer {
  const timestamp = Buffer.concat([varintField(1, seconds), varintField(2, BigInt(nanos))]);
  return Buffer.concat([
    Envelope.encode({ ...envelope, createdAt: undefined }).finish(),
    lengthDelimited(ENVELOPE_CREATED_AT, timestamp),
  ]);
}

/** `envelope` encoded, with the UTF-8 of `marker` (in a string field) replaced by `bytes`. */
export function envelopeBytesWithRaw(envelope: Envelope, marker: string, bytes: Buffer): Buffer {
  const encoded = Buffer.from(Envelope.encode(envelope).finish());
  const needle = Buffer.from(marker, 'utf8');
  const at = encoded.indexOf(needle);
  if (at < 0 || bytes.length !== needle.length) {
    throw new Error(`marker ${marker} not found, or replacement of another length`);
  }
  bytes.copy(encoded, at);
  return encoded;
}

/** A PublishRequest wrapping already-encoded envelope bytes. */
export function publishRequestOf(envelopeBytes: Uint8Array): Buffer {
  return lengthDelimited(1, envelopeBytes);
}
