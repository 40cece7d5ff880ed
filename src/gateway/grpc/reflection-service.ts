import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import path from 'node:path';
import { CONTRACT_PROTO_DIR, contractProtoSources } from '../../contract/contract-definition';
import { encodeFileDescriptor, loadFileDescriptors } from '../../contract/file-descriptors';

/** Where @grpc/reflection keeps the reflection .proto files it serves (in its package). */
const REFLECTION_PROTO_DIR = path.resolve(
  path.dirname(require.resolve('@grpc/reflection')),
  '..',
  'proto',
);

/**
 * The files server reflection describes: the contract and every service the gateway's server
 * runs (health, reflection itself), so `grpcurl list` names them all and `describe` and calls
 * work without any .proto file. Reads files: call it at start-up. Throws IntelrouteError
 * INTERNAL when a file is missing or cannot be described.
 */
export function loadServedFileDescriptors(): FileDescriptorProto[] {
  return loadFileDescriptors(
    [
      ...contractProtoSources(),
      // grpc-health-check ships it as health/v1/health.proto; its canonical name is this one.
      { name: 'grpc/health/v1/health.proto', path: healthProtoPath },
      ...['v1', 'v1alpha'].map((version) => {
        const name = `grpc/reflection/${version}/reflection.proto`;
        return { name, path: path.join(REFLECTION_PROTO_DIR, name) };
      }),
    ],
    [CONTRACT_PROTO_DIR],
  );
}

/**
 * The reflection service (v1 and v1alpha) describing `files`. @grpc/reflection indexes the
 * `fileDescriptorProtos` of each entry of the definition it is given and reads nothing else of
 * it: one entry carries every file. Given proto-loader's own definition, it served the made-up
 * files of proto-loader (`intelroute_v1.proto`, no imports), which grpcurl cannot resolve.
 */
export function createReflectionService(files: readonly FileDescriptorProto[]): ReflectionService {
  const definition: PackageDefinition = {
    'intelroute.reflection.files': {
      format: 'Protocol Buffer 3 EnumDescriptorProto',
      type: {},
      fileDescriptorProtos: files.map((file) => Buffer.from(encodeFileDescriptor(file))),
    },
  };
  return new ReflectionService(definition);
}
