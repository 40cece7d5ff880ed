import { isUtf8 } from 'node:buffer';
import type { PackageDefinition } from '@grpc/proto-loader';

/**
 * Strict reading of protobuf bytes against the contract's message descriptors, before the
 * generated (lenient) decoder runs. Generated decoders skip a known field sent with another wire
 * type, decode invalid UTF-8 in strings with replacement characters and turn any timestamp into
 * some date: a message whose destinations came that way would be routed without them. Here each
 * of those is a problem naming the field. Unknown field numbers stay allowed (a newer client may
 * send fields this gateway does not know; protobuf skips them by design).
 */

/** Protobuf wire types (encoding spec). */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const SGROUP = 3;
const EGROUP = 4;
const I32 = 5;

/** What one field must look like on the wire. */
interface FieldRule {
  readonly name: string;
  readonly wireType: number;
  /** A repeated numeric field may also come packed (LEN). */
  readonly packable: boolean;
  readonly repeated: boolean;
  readonly utf8: boolean;
  /** Full name of the message type for TYPE_MESSAGE fields. */
  readonly message?: string;
}

/** Field rules of every message type of the contract, by full name. */
export type WireSchema = ReadonlyMap<string, ReadonlyMap<number, FieldRule>>;

/** A structural problem of the bytes; `field` is a path like `envelope.destinations[0].country`. */
export interface WireProblem {
  /** False when the bytes are not protobuf at all (truncated, impossible tag or wire type). */
  readonly decodable: boolean;
  readonly field: string;
  readonly description: string;
}

const TIMESTAMP = 'google.protobuf.Timestamp';
/** Timestamp's valid range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z), in seconds. */
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;
const MAX_NANOS = 999_999_999;
/** Strings up to this long are checked for ASCII in JavaScript before the native UTF-8 check. */
const SHORT_TEXT_BYTES = 64;

const WIRE_OF_TYPE: Readonly<Record<string, number>> = {
  TYPE_DOUBLE: I64,
  TYPE_FIXED64: I64,
  TYPE_SFIXED64: I64,
  TYPE_FLOAT: I32,
  TYPE_FIXED32: I32,
  TYPE_SFIXED32: I32,
  TYPE_STRING: LEN,
  TYPE_BYTES: LEN,
  TYPE_MESSAGE: LEN,
};

interface FieldDescriptor {
  readonly name: string;
  readonly number: number;
  readonly label: string;
  readonly type: string;
  readonly typeName: string;
}

/** The wire rules of every message type in `definition` (proto-loader's descriptors). */
export function wireSchemaOf(definition: PackageDefinition): WireSchema {
  const schema = new Map<string, Map<number, FieldRule>>();
  for (const [fullName, entry] of Object.entries(definition)) {
    const type = (entry as { type?: { field?: FieldDescriptor[] } }).type;
    if (type?.field === undefined) continue;
    const pkg = fullName.slice(0, fullName.lastIndexOf('.'));
    const fields = new Map<number, FieldRule>();
    for (const field of type.field) fields.set(field.number, ruleOf(field, pkg, definition));
    schema.set(fullName, fields);
  }
  return schema;
}

function ruleOf(field: FieldDescriptor, pkg: string, definition: PackageDefinition): FieldRule {
  const repeated = field.label === 'LABEL_REPEATED';
  const wireType = WIRE_OF_TYPE[field.type] ?? VARINT;
  const message =
    field.type === 'TYPE_MESSAGE'
      ? [`${pkg}.${field.typeName}`, field.typeName].find((name) => name in definition)
      : undefined;
  return {
    name: field.name,
    wireType,
    repeated,
    packable: repeated && wireType !== LEN,
    utf8: field.type === 'TYPE_STRING',
    ...(message === undefined ? {} : { message }),
  };
}

/** The first problem of `bytes` read as `typeName`, or undefined when they are sound. */
export function findWireProblem(
  schema: WireSchema,
  typeName: string,
  bytes: Uint8Array,
): WireProblem | undefined {
  try {
    return checkMessage(schema, typeName, new WireReader(bytes, '', 0, bytes.length));
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    return { decodable: false, field: error.field, description: error.message };
  }
}

/** Bytes that are not protobuf: thrown inside the reader, caught at the top. */
class Malformed extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the message `reader` spans to its end, field by field. */
function checkMessage(
  schema: WireSchema,
  typeName: string,
  reader: WireReader,
): WireProblem | undefined {
  const fields = schema.get(typeName);
  const { path } = reader;
  // Repeated fields' indexes, for paths like destinations[1]: made only when one comes.
  let counts: Map<number, number> | undefined;
  while (!reader.done()) {
    const tag = reader.tag();
    const number = tag >>> 3;
    const wireType = tag & 7;
    const rule = fields?.get(number);
    if (rule === undefined) {
      reader.skip(wireType);
      continue;
    }
    let index = 0;
    if (rule.repeated) {
      counts ??= new Map();
      index = counts.get(number) ?? 0;
      counts.set(number, index + 1);
    }
    if (rule.packable && wireType === LEN) {
      reader.skip(LEN); // packed repeated numbers: their varints need no check
      continue;
    }
    const problem = checkField(schema, reader, rule, wireType, { path, index });
    if (problem !== undefined) return problem;
  }
  return typeName === TIMESTAMP ? checkTimestamp(reader.restarted()) : undefined;
}

/** Where a field sits: its path is built only when a problem or a nested message needs it. */
interface FieldPlace {
  readonly path: string;
  readonly index: number;
}

function checkField(
  schema: WireSchema,
  reader: WireReader,
  rule: FieldRule,
  wireType: number,
  place: FieldPlace,
): WireProblem | undefined {
  if (wireType !== rule.wireType) {
    reader.skip(wireType);
    const description = `sent with wire type ${wireType}; ${rule.name} is wire type ${rule.wireType}`;
    return { decodable: true, field: fieldPath(place, rule), description };
  }
  if (wireType !== LEN) {
    reader.skip(wireType);
    return undefined;
  }
  const start = reader.skipLengthDelimited();
  if (rule.message !== undefined) {
    return checkMessage(schema, rule.message, reader.valueFrom(start, fieldPath(place, rule)));
  }
  if (!rule.utf8 || reader.isUtf8From(start)) return undefined;
  return { decodable: true, field: fieldPath(place, rule), description: 'is not valid UTF-8' };
}

function fieldPath({ path, index }: FieldPlace, rule: FieldRule): string {
  const name = path === '' ? rule.name : `${path}.${rule.name}`;
  return rule.repeated ? `${name}[${index}]` : name;
}

/** A Timestamp outside 0001-01-01..9999-12-31, or with nanos outside 0..999,999,999. */
function checkTimestamp(reader: WireReader): WireProblem | undefined {
  let seconds = 0;
  let nanos = 0;
  while (!reader.done()) {
    const tag = reader.tag();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (wireType !== VARINT) reader.skip(wireType);
    else if (number === 1) seconds = reader.signedVarint(64);
    else if (number === 2) nanos = reader.signedVarint(32);
    else reader.skip(wireType);
  }
  const { path } = reader;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    return { decodable: true, field: path, description: 'must lie between years 1 and 9999' };
  }
  if (nanos < 0 || nanos > MAX_NANOS) {
    return { decodable: true, field: path, description: 'nanos must be 0 to 999,999,999' };
  }
  return undefined;
}

/**
 * A cursor over one message's bytes, [from, end) of `bytes` (a nested message is read in place,
 * not copied or viewed apart), that throws Malformed for anything but well-formed input. Tags,
 * lengths and a Timestamp's usual values are read as numbers (every message of the hot path is
 * read here, so no BigInt or object per field); positions in errors count from the message's
 * own first byte.
 */
class WireReader {
  private at: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly path: string,
    private readonly from: number,
    private readonly end: number,
  ) {
    this.at = from;
  }

  done(): boolean {
    return this.at >= this.end;
  }

  /** A reader of the same message from its first byte. */
  restarted(): WireReader {
    return new WireReader(this.bytes, this.path, this.from, this.end);
  }

  /** A field's tag (field number << 3 | wire type), at most 32 bits. */
  tag(): number {
    const start = this.at;
    const tag = this.varintNumber();
    if (tag < 8 || tag > 0xffffffff) {
      this.at = start;
      this.fail(`an impossible field tag ${this.varint()}`);
    }
    const wireType = tag & 7;
    if (wireType > I32) this.fail(`an impossible wire type ${wireType}`);
    return tag;
  }

  /**
   * A varint as the signed integer of `bits` bits it encodes (int64, int32), as a number: exact
   * within 2^53, beyond that only as large (all a Timestamp's range check needs).
   */
  signedVarint(bits: 32 | 64): number {
    const start = this.at;
    const value = this.varintNumber();
    if (value <= Number.MAX_SAFE_INTEGER) return bits === 32 ? value | 0 : value;
    this.at = start; // a negative value (ten bytes) or a huge one: read it exactly
    return Number(BigInt.asIntN(bits, this.varint()));
  }

  private varint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byteAt();
      if (byte === undefined) this.fail('a truncated varint');
      this.at += 1;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    return this.fail('a varint longer than 10 bytes');
  }

  /**
   * A varint as a number: exact up to 2^53, and above it still larger than any length or tag
   * can be, which is all its callers compare it with.
   */
  private varintNumber(): number {
    let value = 0;
    let scale = 1;
    for (let read = 0; read < 10; read += 1) {
      const byte = this.byteAt();
      if (byte === undefined) this.fail('a truncated varint');
      this.at += 1;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    return this.fail('a varint longer than 10 bytes');
  }

  /** Skips a length-delimited value; returns where its bytes start (they end where it stops). */
  skipLengthDelimited(): number {
    const length = this.varintNumber();
    if (this.at + length > this.end) this.fail('a length beyond the end of the message');
    const start = this.at;
    this.at += length;
    return start;
  }

  /** A reader of the message skipLengthDelimited just skipped, from the start it returned. */
  valueFrom(start: number, path: string): WireReader {
    return new WireReader(this.bytes, path, start, this.at);
  }

  /**
   * Whether the value skipLengthDelimited just skipped is valid UTF-8. Short ASCII text (most
   * strings of the contract) is checked here, the rest by the native check.
   */
  isUtf8From(start: number): boolean {
    if (this.at - start <= SHORT_TEXT_BYTES) {
      let ascii = true;
      for (let i = start; i < this.at && ascii; i += 1) ascii = (this.bytes[i] as number) < 0x80;
      if (ascii) return true;
    }
    return isUtf8(this.bytes.subarray(start, this.at));
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varintNumber();
    else if (wireType === LEN) this.skipLengthDelimited();
    else if (wireType === I64) this.fixed(8);
    else if (wireType === I32) this.fixed(4);
    else if (wireType === SGROUP || wireType === EGROUP) this.fail('a group (not in proto3)');
    else this.fail(`an impossible wire type ${wireType}`);
  }

  private fixed(size: number): void {
    if (this.at + size > this.end) this.fail('a truncated fixed-size field');
    this.at += size;
  }

  /** The byte at the cursor, undefined at the message's end. */
  private byteAt(): number | undefined {
    return this.at < this.end ? this.bytes[this.at] : undefined;
  }

  private fail(what: string): never {
    throw new Malformed(this.path, `is not protobuf: ${what} at byte ${this.at - this.from}`);
  }
}
