import { toBinary } from '@bufbuild/protobuf';
import {
  file_google_protobuf_any,
  file_google_protobuf_api,
  file_google_protobuf_descriptor,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_source_context,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_type,
  file_google_protobuf_wrappers,
  FileDescriptorProtoSchema,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import { IntelrouteError } from '../core/errors';
import { fileDescriptorOf } from './file-descriptor-of';
import { loadProtos, type ProtoSource } from './proto-sources';

export type { ProtoSource } from './proto-sources';

/**
 * Google's well-known files exactly as protoc knows them (from @bufbuild/protobuf, which embeds
 * protoc's descriptors): `google/protobuf/timestamp.proto` is served under its real name.
 */
const WELL_KNOWN_FILES: ReadonlyMap<string, FileDescriptorProto> = new Map(
  [
    file_google_protobuf_any,
    file_google_protobuf_api,
    file_google_protobuf_descriptor,
    file_google_protobuf_duration,
    file_google_protobuf_empty,
    file_google_protobuf_field_mask,
    file_google_protobuf_source_context,
    file_google_protobuf_struct,
    file_google_protobuf_timestamp,
    file_google_protobuf_type,
    file_google_protobuf_wrappers,
  ].map((file) => [file.proto.name, file.proto]),
);

/**
 * The descriptors of `entries` and of every file they import, transitively, each under its real
 * name (`intelroute/v1/envelope.proto`) with its real `dependency` list, every file after the
 * files it depends on (the order of a FileDescriptorSet). Reads files: call it at start-up.
 * Throws IntelrouteError INTERNAL when a file is missing, broken or cannot be described.
 */
export function loadFileDescriptors(
  entries: readonly ProtoSource[],
  includeDirs: readonly string[],
): FileDescriptorProto[] {
  const loaded = loadProtos(entries, includeDirs);
  const byName = new Map<string, FileDescriptorProto>();
  for (const name of loaded.wellKnown) byName.set(name, wellKnownFile(name));
  for (const file of loaded.files) byName.set(file.name, fileDescriptorOf(file, loaded.resolved));
  return dependenciesFirst(byName);
}

/** The binary FileDescriptorProto, as server reflection sends it. */
export function encodeFileDescriptor(file: FileDescriptorProto): Uint8Array {
  return toBinary(FileDescriptorProtoSchema, file);
}

function wellKnownFile(name: string): FileDescriptorProto {
  const file = WELL_KNOWN_FILES.get(name);
  if (file === undefined) {
    throw new IntelrouteError('INTERNAL', `no descriptor of the well-known file ${name}`);
  }
  return file;
}

function dependenciesFirst(
  byName: ReadonlyMap<string, FileDescriptorProto>,
): FileDescriptorProto[] {
  const ordered: FileDescriptorProto[] = [];
  const placed = new Set<string>();
  const place = (name: string, importers: readonly string[]): void => {
    if (placed.has(name)) return;
    const file = byName.get(name);
    if (file === undefined || importers.includes(name)) {
      throw new IntelrouteError('INTERNAL', `cannot describe ${name}: missing or cyclic import`);
    }
    for (const dependency of file.dependency) place(dependency, [...importers, name]);
    placed.add(name);
    ordered.push(file);
  };
  for (const name of byName.keys()) place(name, []);
  return ordered;
}
