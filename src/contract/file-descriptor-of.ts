import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { reflect } from '@bufbuild/protobuf/reflect';
import {
  DescriptorProtoSchema,
  EnumDescriptorProtoSchema,
  EnumOptionsSchema,
  EnumValueOptionsSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as FieldType,
  FieldDescriptorProtoSchema,
  FieldOptionsSchema,
  FileDescriptorProtoSchema,
  FileOptionsSchema,
  MessageOptionsSchema,
  MethodOptionsSchema,
  ServiceDescriptorProtoSchema,
  ServiceOptionsSchema,
  type DescriptorProto,
  type EnumDescriptorProto,
  type FieldDescriptorProto,
  type FileDescriptorProto,
  type ServiceDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import * as protobuf from 'protobufjs';
import { IntelrouteError } from '../core/errors';
import type { ParsedProtoFile } from './proto-sources';

/**
 * The FileDescriptorProto of one proto3 file, as protoc would write it without source info: its
 * real name, its imports as `dependency`, fully-qualified type names (`.google.protobuf.Timestamp`),
 * json names, map entry types and synthetic oneofs of proto3 `optional`. Types are taken from
 * `resolved` (where references to other files are resolved). Options are carried when
 * descriptor.proto declares them (custom options are not). Throws IntelrouteError INTERNAL on
 * what it cannot describe (extensions) rather than serving a wrong descriptor; proto-sources.ts
 * lets proto3 files only through (no groups, no defaults).
 */
export function fileDescriptorOf(
  file: ParsedProtoFile,
  resolved: protobuf.Root,
): FileDescriptorProto {
  const scope = file.package === '' ? file.declared : file.declared.lookup(file.package);
  if (!(scope instanceof protobuf.Namespace)) throw unsupported(file.name, 'its package');
  const own = scope.nestedArray.map((declared) => {
    const found = resolved.lookup(declared.fullName);
    if (found === null || found instanceof protobuf.Field) {
      throw unsupported(file.name, `${declared.fullName} (an extension, or not loaded)`);
    }
    return found;
  });
  return create(FileDescriptorProtoSchema, {
    name: file.name,
    ...(file.package === '' ? {} : { package: file.package }),
    dependency: [...file.imports],
    messageType: own.filter(isType).map((type) => messageOf(type, file.name)),
    enumType: own.filter(isEnum).map(enumOf),
    service: own.filter(isService).map(serviceOf),
    ...optionsField(FileOptionsSchema, scope.options),
    syntax: 'proto3',
  });
}

function messageOf(type: protobuf.Type, fileName: string): DescriptorProto {
  if (type.nestedArray.some((object) => object instanceof protobuf.Field)) {
    throw unsupported(fileName, `the extension in ${type.fullName}`);
  }
  // protoc numbers proto3 `optional`'s synthetic oneofs after every real one.
  const oneofs = [
    ...type.oneofsArray.filter((oneof) => !isSynthetic(oneof)),
    ...type.oneofsArray.filter(isSynthetic),
  ];
  const maps = type.fieldsArray.filter((field) => field instanceof protobuf.MapField);
  return create(DescriptorProtoSchema, {
    name: type.name,
    field: type.fieldsArray.map((field) => fieldOf(field, oneofs, fileName)),
    // protoc interleaves map entries with nested messages in source order, which protobufjs
    // does not keep: they come last here (only their index differs, never a name).
    nestedType: [
      ...type.nestedArray.filter(isType).map((nested) => messageOf(nested, fileName)),
      ...maps.map((field) => mapEntryOf(field, fileName)),
    ],
    enumType: type.nestedArray.filter(isEnum).map(enumOf),
    oneofDecl: oneofs.map((oneof) => ({ name: oneof.name })),
    // protobufjs keeps inclusive ranges; DescriptorProto's end is exclusive.
    reservedRange: ranges(type.reserved).map(([start, end]) => ({ start, end: end + 1 })),
    reservedName: names(type.reserved),
    ...optionsField(MessageOptionsSchema, type.options),
  });
}

function fieldOf(
  field: protobuf.Field,
  oneofs: readonly protobuf.OneOf[],
  fileName: string,
): FieldDescriptorProto {
  const parent = field.parent;
  const oneofIndex = field.partOf === null ? -1 : oneofs.indexOf(field.partOf);
  return create(FieldDescriptorProtoSchema, {
    name: field.name,
    number: field.id,
    label:
      field.repeated || field.map
        ? Label.REPEATED
        : field.required
          ? Label.REQUIRED
          : Label.OPTIONAL,
    ...(field.map && parent !== null
      ? { type: FieldType.MESSAGE, typeName: `${parent.fullName}.${mapEntryName(field.name)}` }
      : typeOf(field, fileName)),
    jsonName: jsonName(field.name),
    ...(oneofIndex < 0 ? {} : { oneofIndex }),
    ...(field.options?.['proto3_optional'] === true ? { proto3Optional: true } : {}),
    ...optionsField(FieldOptionsSchema, field.options),
  });
}

/** The synthetic `XxxEntry { key = 1; value = 2; }` message protoc declares for a map field. */
function mapEntryOf(field: protobuf.MapField, fileName: string): DescriptorProto {
  const key = create(FieldDescriptorProtoSchema, {
    name: 'key',
    number: 1,
    label: Label.OPTIONAL,
    type: scalarType(field.keyType, fileName),
    jsonName: 'key',
  });
  const value = create(FieldDescriptorProtoSchema, {
    name: 'value',
    number: 2,
    label: Label.OPTIONAL,
    ...typeOf(field, fileName),
    jsonName: 'value',
  });
  return create(DescriptorProtoSchema, {
    name: mapEntryName(field.name),
    field: [key, value],
    options: { mapEntry: true },
  });
}

function typeOf(
  field: Pick<protobuf.Field, 'resolvedType' | 'type'>,
  fileName: string,
): { type: FieldType; typeName?: string } {
  const target = field.resolvedType;
  // proto3 has no groups (proto-sources.ts reads proto3 files only): a message is a message.
  if (target instanceof protobuf.Type)
    return { type: FieldType.MESSAGE, typeName: target.fullName };
  if (target instanceof protobuf.Enum) return { type: FieldType.ENUM, typeName: target.fullName };
  return { type: scalarType(field.type, fileName) };
}

function enumOf(enumeration: protobuf.Enum): EnumDescriptorProto {
  return create(EnumDescriptorProtoSchema, {
    name: enumeration.name,
    value: Object.entries(enumeration.values).map(([name, number]) => ({
      name,
      number,
      ...optionsField(EnumValueOptionsSchema, enumeration.valuesOptions?.[name]),
    })),
    // Enum reserved ranges are inclusive, as protobufjs keeps them.
    reservedRange: ranges(enumeration.reserved).map(([start, end]) => ({ start, end })),
    reservedName: names(enumeration.reserved),
    ...optionsField(EnumOptionsSchema, enumeration.options),
  });
}

function serviceOf(service: protobuf.Service): ServiceDescriptorProto {
  return create(ServiceDescriptorProtoSchema, {
    name: service.name,
    method: service.methodsArray.map((method) => ({
      name: method.name,
      inputType: method.resolvedRequestType?.fullName ?? method.requestType,
      outputType: method.resolvedResponseType?.fullName ?? method.responseType,
      ...(method.requestStream === true ? { clientStreaming: true } : {}),
      ...(method.responseStream === true ? { serverStreaming: true } : {}),
      ...optionsField(MethodOptionsSchema, method.options),
    })),
    ...optionsField(ServiceOptionsSchema, service.options),
  });
}

/**
 * `{ options }` holding the options descriptor.proto declares for `schema` (`deprecated`,
 * `java_package`, …), or `{}` when there are none, as protoc leaves `options` unset. Options
 * protobufjs keeps that descriptor.proto does not declare (custom ones) are left out.
 */
function optionsField<Desc extends DescMessage>(
  schema: Desc,
  options: Readonly<Record<string, unknown>> | undefined,
): { options?: MessageShape<Desc> } {
  const message = create(schema);
  const carried = reflect(schema, message);
  for (const [name, value] of Object.entries(options ?? {})) {
    const field = schema.fields.find((candidate) => candidate.name === name);
    if (field?.fieldKind === 'scalar' && typeof value !== 'object') carried.set(field, value);
    if (field?.fieldKind === 'enum') {
      const number = field.enum.values.find((entry) => entry.name === value)?.number;
      if (number !== undefined) carried.set(field, number);
    }
  }
  return schema.fields.some((field) => carried.isSet(field)) ? { options: message } : {};
}

const SCALAR_TYPES: Readonly<Record<string, FieldType>> = {
  double: FieldType.DOUBLE,
  float: FieldType.FLOAT,
  int64: FieldType.INT64,
  uint64: FieldType.UINT64,
  int32: FieldType.INT32,
  fixed64: FieldType.FIXED64,
  fixed32: FieldType.FIXED32,
  bool: FieldType.BOOL,
  string: FieldType.STRING,
  bytes: FieldType.BYTES,
  uint32: FieldType.UINT32,
  sfixed32: FieldType.SFIXED32,
  sfixed64: FieldType.SFIXED64,
  sint32: FieldType.SINT32,
  sint64: FieldType.SINT64,
};

function scalarType(name: string, fileName: string): FieldType {
  const type = SCALAR_TYPES[name];
  if (type === undefined) throw unsupported(fileName, `the field type ${name}`);
  return type;
}

/** protoc's json_name (ToJsonName): `retention_days` → `retentionDays`, underscores dropped. */
function jsonName(name: string): string {
  let result = '';
  let upperNext = false;
  for (const character of name) {
    if (character === '_') upperNext = true;
    else {
      result += upperNext ? asciiUpper(character) : character;
      upperNext = false;
    }
  }
  return result;
}

/** protoc's MapEntryName: `changes` → `ChangesEntry`, `field_meta` → `FieldMetaEntry`. */
function mapEntryName(name: string): string {
  const camel = jsonName(name);
  return `${asciiUpper(camel.charAt(0))}${camel.slice(1)}Entry`;
}

/** protoc upper-cases ASCII letters only. */
function asciiUpper(character: string): string {
  return character >= 'a' && character <= 'z' ? character.toUpperCase() : character;
}

function isSynthetic(oneof: protobuf.OneOf): boolean {
  return (
    oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.['proto3_optional'] === true
  );
}

function ranges(reserved: ReadonlyArray<number[] | string> | undefined): Array<[number, number]> {
  return (reserved ?? []).flatMap((entry) =>
    Array.isArray(entry) && entry.length === 2
      ? [[entry[0] ?? 0, entry[1] ?? 0] as [number, number]]
      : [],
  );
}

function names(reserved: ReadonlyArray<number[] | string> | undefined): string[] {
  return (reserved ?? []).filter((entry): entry is string => typeof entry === 'string');
}

const isType = (object: protobuf.ReflectionObject): object is protobuf.Type =>
  object instanceof protobuf.Type;
const isEnum = (object: protobuf.ReflectionObject): object is protobuf.Enum =>
  object instanceof protobuf.Enum;
const isService = (object: protobuf.ReflectionObject): object is protobuf.Service =>
  object instanceof protobuf.Service;

function unsupported(fileName: string, what: string): IntelrouteError {
  return new IntelrouteError('INTERNAL', `${fileName}: cannot describe ${what} for reflection`);
}
