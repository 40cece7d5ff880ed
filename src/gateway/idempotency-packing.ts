import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
import { IntelrouteError } from '../core/errors';
import type { IdempotencyEntry } from './idempotency-store';

/**
 * Packs an IdempotencyEntry into one one-byte (latin1) string: one V8 string is the cheapest
 * heap object there is (16 bytes of header), and every accepted message adds an entry while a
 * retry, which decodes one, is rare. Layout:
 *
 *   acceptedAtMs  float64 LE at bytes 0-7 (read back alone for expiry and eviction)
 *   flags         1 byte: DUPLICATE, ACCEPTED_AT_ABSENT, ACCEPTED_AT_OWN
 *   acceptedAt    float64 LE, only with ACCEPTED_AT_OWN (it usually equals acceptedAtMs)
 *   fingerprint, then payloadSha256 only when the fingerprint is '' (it covers the payload)
 *   messageId, traceId
 *   records       varint count, then per record: topic (interned), partition, offset
 *   routes        varint count, then per route: topic, reason, description (all interned)
 *
 * A text is a varint header `size * 8 + kind` and its bytes: lowercase hex of even length as
 * raw bytes, a canonical lowercase UUID as 16 bytes, a string of the packer's table by index
 * (size = index), anything else as UTF-8, or UTF-16 when it is not well formed (lone
 * surrogates), so that every string comes back exactly.
 */
const TEXT_TABLE = 0;
const TEXT_UTF8 = 1;
const TEXT_HEX = 2;
const TEXT_UUID = 3;
const TEXT_UTF16 = 4;
const TEXT_KINDS = 8;

const DUPLICATE = 1;
const ACCEPTED_AT_ABSENT = 2;
const ACCEPTED_AT_OWN = 4;

/** Table bounds: topics, reasons and descriptions repeat; a rare long or unique one goes inline. */
const MAX_TABLE_STRINGS = 4096;
const MAX_TABLE_STRING_LENGTH = 256;

const HEAD_BYTES = 8;
const MAX_U64 = '18446744073709551615';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EVEN_HEX = /^(?:[0-9a-f]{2})*$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * Packs and unpacks entries of one store. It owns the table of repeated strings, which only
 * grows (packed entries refer to its indexes), and its scratch buffers. Not shared between
 * stores: an entry unpacks only with the packer that packed it.
 */
export class IdempotencyPacker {
  private readonly table: string[] = [];
  private readonly tableIndexes = new Map<string, number>();
  private readonly head = Buffer.alloc(HEAD_BYTES);
  private out = Buffer.allocUnsafe(512);
  private pos = 0;

  /** acceptedAtMs of a packed entry, without unpacking the rest. */
  acceptedAtMs(packed: string): number {
    for (let i = 0; i < HEAD_BYTES; i++) this.head[i] = packed.charCodeAt(i);
    return this.head.readDoubleLE(0);
  }

  pack({ payloadSha256, fingerprint, ack, acceptedAtMs }: IdempotencyEntry): string {
    this.pos = 0;
    this.double(acceptedAtMs);
    const acceptedAt = ack.acceptedAt?.getTime();
    const ownAcceptedAt = acceptedAt !== undefined && acceptedAt !== acceptedAtMs;
    this.byte(
      (ack.duplicate ? DUPLICATE : 0) |
        (acceptedAt === undefined ? ACCEPTED_AT_ABSENT : 0) |
        (ownAcceptedAt ? ACCEPTED_AT_OWN : 0),
    );
    if (ownAcceptedAt) this.double(acceptedAt);
    this.text(fingerprint);
    if (fingerprint === '') this.text(payloadSha256);
    this.text(ack.messageId);
    this.text(ack.traceId);
    this.varint(ack.records.length);
    for (const { topic, partition, offset } of ack.records) {
      this.interned(topic);
      this.partition(partition);
      this.offset(offset);
    }
    this.varint(ack.routesNotTaken.length);
    for (const { topic, reason, description } of ack.routesNotTaken) {
      this.interned(topic);
      this.interned(reason);
      this.interned(description);
    }
    return this.out.toString('latin1', 0, this.pos);
  }

  /**
   * The entry `packed` holds. Its payloadSha256 is '' when it has a fingerprint: the
   * fingerprint covers the payload, so the hash is not kept (isSameMessage compares
   * fingerprints then).
   * @throws IntelrouteError INTERNAL if `packed` was not made by this packer.
   */
  unpack(packed: string): IdempotencyEntry {
    const reader = new PackedReader(Buffer.from(packed, 'latin1'), this.table);
    const acceptedAtMs = reader.double();
    const flags = reader.byte();
    const acceptedAt =
      flags & ACCEPTED_AT_ABSENT
        ? undefined
        : new Date(flags & ACCEPTED_AT_OWN ? reader.double() : acceptedAtMs);
    const fingerprint = reader.text();
    const payloadSha256 = fingerprint === '' ? reader.text() : '';
    const messageId = reader.text();
    const traceId = reader.text();
    const records = reader.list(() => ({
      topic: reader.text(),
      partition: reader.partition(),
      offset: reader.offset(),
    }));
    const routesNotTaken = reader.list(() => ({
      topic: reader.text(),
      reason: reader.text(),
      description: reader.text(),
    }));
    const duplicate = (flags & DUPLICATE) !== 0;
    const ack: PublishAck = { messageId, records, duplicate, routesNotTaken, acceptedAt, traceId };
    return { payloadSha256, fingerprint, ack, acceptedAtMs };
  }

  /** A table index for a repeated string while the table has room, else the string inline. */
  private interned(value: string): void {
    let index = this.tableIndexes.get(value);
    if (
      index === undefined &&
      this.table.length < MAX_TABLE_STRINGS &&
      value.length <= MAX_TABLE_STRING_LENGTH
    ) {
      index = this.table.push(value) - 1;
      this.tableIndexes.set(value, index);
    }
    if (index === undefined) this.text(value);
    else this.varint(index * TEXT_KINDS + TEXT_TABLE);
  }

  private text(value: string): void {
    if (UUID.test(value)) {
      this.varint(TEXT_UUID);
      this.bytes(value.replaceAll('-', ''), 16, 'hex');
    } else if (EVEN_HEX.test(value)) {
      this.varint((value.length / 2) * TEXT_KINDS + TEXT_HEX);
      this.bytes(value, value.length / 2, 'hex');
    } else if (value.isWellFormed()) {
      const size = Buffer.byteLength(value, 'utf8');
      this.varint(size * TEXT_KINDS + TEXT_UTF8);
      this.bytes(value, size, 'utf8');
    } else {
      this.varint(value.length * 2 * TEXT_KINDS + TEXT_UTF16);
      this.bytes(value, value.length * 2, 'utf16le');
    }
  }

  /** An int32 (what Kafka partitions are) as a zigzag varint + 1; any other number as 0 + float64. */
  private partition(value: number): void {
    if (Number.isInteger(value) && (value | 0) === value && !Object.is(value, -0)) {
      this.varint((((value << 1) ^ (value >> 31)) >>> 0) + 1);
    } else {
      this.varint(0);
      this.double(value);
    }
  }

  /** A canonical decimal uint64 as a varint of value + 1; any other text as 0 + the text. */
  private offset(value: string): void {
    const canonical =
      DECIMAL.test(value) &&
      (value.length < MAX_U64.length || (value.length === MAX_U64.length && value <= MAX_U64));
    if (!canonical) {
      this.varint(0);
      this.text(value);
    } else if (value.length <= 15) {
      this.varint(Number(value) + 1); // below 2^53: exact as a number
    } else {
      let rest = BigInt(value) + 1n;
      for (; rest >= 0x80n; rest >>= 7n) this.byte(Number(rest & 0x7fn) | 0x80);
      this.byte(Number(rest));
    }
  }

  /** An unsigned integer below 2^53 as LEB128. */
  private varint(value: number): void {
    let rest = value;
    for (; rest >= 0x80; rest = Math.floor(rest / 0x80)) this.byte((rest % 0x80) | 0x80);
    this.byte(rest);
  }

  private double(value: number): void {
    this.reserve(8);
    this.pos = this.out.writeDoubleLE(value, this.pos);
  }

  private byte(value: number): void {
    this.reserve(1);
    this.out[this.pos++] = value;
  }

  private bytes(value: string, size: number, encoding: BufferEncoding): void {
    this.reserve(size);
    this.pos += this.out.write(value, this.pos, size, encoding);
  }

  private reserve(size: number): void {
    if (this.pos + size <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.pos + size));
    this.out.copy(grown, 0, 0, this.pos);
    this.out = grown;
  }
}

/** Reads the fields of one packed entry in the order IdempotencyPacker.pack wrote them. */
class PackedReader {
  private pos = 0;

  constructor(
    private readonly input: Buffer,
    private readonly table: readonly string[],
  ) {}

  byte(): number {
    const value = this.input[this.pos++];
    if (value === undefined) throw corrupt('entry ends early');
    return value;
  }

  double(): number {
    if (this.pos + 8 > this.input.length) throw corrupt('entry ends early');
    const value = this.input.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  varint(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  }

  list<T>(item: () => T): T[] {
    const items: T[] = [];
    for (let count = this.varint(); count > 0; count--) items.push(item());
    return items;
  }

  text(): string {
    const header = this.varint();
    const size = Math.floor(header / TEXT_KINDS);
    switch (header % TEXT_KINDS) {
      case TEXT_TABLE: {
        const value = this.table[size];
        if (value === undefined) throw corrupt(`no string ${size} in the table`);
        return value;
      }
      case TEXT_UTF8:
        return this.slice(size, 'utf8');
      case TEXT_HEX:
        return this.slice(size, 'hex');
      case TEXT_UUID: {
        const hex = this.slice(16, 'hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      }
      case TEXT_UTF16:
        return this.slice(size, 'utf16le');
      default:
        throw corrupt(`unknown text kind in header ${header}`);
    }
  }

  partition(): number {
    const value = this.varint();
    if (value === 0) return this.double();
    const zigzag = value - 1;
    return (zigzag >>> 1) ^ -(zigzag & 1);
  }

  offset(): string {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = this.byte();
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    return value === 0n ? this.text() : (value - 1n).toString();
  }

  private slice(size: number, encoding: BufferEncoding): string {
    if (this.pos + size > this.input.length) throw corrupt('text runs past the entry');
    const value = this.input.toString(encoding, this.pos, this.pos + size);
    this.pos += size;
    return value;
  }
}

function corrupt(why: string): IntelrouteError {
  return new IntelrouteError('INTERNAL', `unreadable packed idempotency entry: ${why}`);
}
