/**
 * The wire check as it was first written (BigInt varints, a path string per field, a decode per
 * string), kept as the oracle the faster src/contract/wire-check.ts must agree with on any bytes.
 */
import type { WireProblem, WireSchema } from '../../../../src/contract/wire-check';

const [VARINT, I64, LEN, SGROUP, EGROUP, I32] = [0, 1, 2, 3, 4, 5];
const UTF8 = new TextDecoder('utf-8', { fatal: true });

class Malformed extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function referenceWireProblem(
  schema: WireSchema,
  typeName: string,
  bytes: Uint8Array,
): WireProblem | undefined {
  try {
    return message(schema, typeName, bytes, '');
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    return { decodable: false, field: error.field, description: error.message };
  }
}

function message(
  schema: WireSchema,
  typeName: string,
  bytes: Uint8Array,
  path: string,
): WireProblem | undefined {
  const reader = new Reader(bytes, path);
  const counts = new Map<number, number>();
  while (reader.at < bytes.length) {
    const tag = reader.varint();
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number === 0 || tag > 0xffffffffn) reader.fail(`an impossible field tag ${tag}`);
    if (wireType > I32) reader.fail(`an impossible wire type ${wireType}`);
    const rule = schema.get(typeName)?.get(number);
    if (rule === undefined) {
      reader.skip(wireType);
      continue;
    }
    const index = counts.get(number) ?? 0;
    counts.set(number, index + 1);
    const name = path === '' ? rule.name : `${path}.${rule.name}`;
    const at = rule.repeated ? `${name}[${index}]` : name;
    if (rule.packable && wireType === LEN) {
      reader.skip(LEN);
      continue;
    }
    if (wireType !== rule.wireType) {
      reader.skip(wireType);
      const description = `sent with wire type ${wireType}; ${rule.name} is wire type ${rule.wireType}`;
      return { decodable: true, field: at, description };
    }
    if (wireType !== LEN) {
      reader.skip(wireType);
      continue;
    }
    const value = reader.lengthDelimited();
    if (rule.message !== undefined) {
      const problem = message(schema, rule.message, value, at);
      if (problem !== undefined) return problem;
    } else if (rule.utf8) {
      try {
        UTF8.decode(value);
      } catch {
        return { decodable: true, field: at, description: 'is not valid UTF-8' };
      }
    }
  }
  return typeName === 'google.protobuf.Timestamp' ? timestamp(bytes, path) : undefined;
}

function timestamp(bytes: Uint8Array, path: string): WireProblem | undefined {
  const reader = new Reader(bytes, path);
  let seconds = 0n;
  let nanos = 0n;
  while (reader.at < bytes.length) {
    const tag = reader.varint();
    const wireType = Number(tag & 7n);
    if (tag >> 3n === 0n || tag > 0xffffffffn) reader.fail(`an impossible field tag ${tag}`);
    if (wireType > I32) reader.fail(`an impossible wire type ${wireType}`);
    if (wireType !== VARINT) reader.skip(wireType);
    else if (tag >> 3n === 1n) seconds = BigInt.asIntN(64, reader.varint());
    else if (tag >> 3n === 2n) nanos = BigInt.asIntN(32, reader.varint());
    else reader.skip(wireType);
  }
  if (seconds < -62_135_596_800n || seconds > 253_402_300_799n) {
    return { decodable: true, field: path, description: 'must lie between years 1 and 9999' };
  }
  if (nanos < 0n || nanos > 999_999_999n) {
    return { decodable: true, field: path, description: 'nanos must be 0 to 999,999,999' };
  }
  return undefined;
}

class Reader {
  at = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly path: string,
  ) {}

  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.bytes[this.at];
      if (byte === undefined) this.fail('a truncated varint');
      this.at += 1;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    return this.fail('a varint longer than 10 bytes');
  }

  lengthDelimited(): Uint8Array {
    const length = this.varint();
    const end = BigInt(this.at) + length;
    if (end > BigInt(this.bytes.length)) this.fail('a length beyond the end of the message');
    const value = this.bytes.subarray(this.at, Number(end));
    this.at = Number(end);
    return value;
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === LEN) this.lengthDelimited();
    else if (wireType === I64) this.fixed(8);
    else if (wireType === I32) this.fixed(4);
    else if (wireType === SGROUP || wireType === EGROUP) this.fail('a group (not in proto3)');
    else this.fail(`an impossible wire type ${wireType}`);
  }

  private fixed(size: number): void {
    if (this.at + size > this.bytes.length) this.fail('a truncated fixed-size field');
    this.at += size;
  }

  fail(what: string): never {
    throw new Malformed(this.path, `is not protobuf: ${what} at byte ${this.at}`);
  }
}
