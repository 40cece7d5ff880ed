import * as protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/project-root';
import type { ProtoSource } from './proto-sources';

/** Where the contract's .proto files are (copied beside dist/ in the image, see deploy/Dockerfile). */
export const CONTRACT_PROTO_DIR = path.join(PROJECT_ROOT, 'proto');

/** The contract's .proto files, under `proto/`. */
const CONTRACT_FILES = [
  'intelroute/v1/gateway.proto',
  'intelroute/v1/envelope.proto',
  'intelroute/v1/records.proto',
];

/**
 * The contract's descriptors, read from `proto/` (at start-up: it reads files), for the strict
 * reading of requests. Not for reflection: proto-loader merges the files of a package into one
 * made-up file (`intelroute_v1.proto`) with no imports; see contractProtoSources.
 */
export function loadContractDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(CONTRACT_FILES, {
    includeDirs: [CONTRACT_PROTO_DIR],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}

/**
 * The contract's files by their real names, for file-descriptors.ts (server reflection), with
 * google/rpc/error_details.proto: no file imports it, but a refusal's details are its messages
 * (packed in `Any`), which a reflection client such as grpcurl then decodes.
 */
export function contractProtoSources(): ProtoSource[] {
  return [...CONTRACT_FILES, 'google/rpc/error_details.proto'].map((name) => ({
    name,
    path: path.join(CONTRACT_PROTO_DIR, name),
  }));
}
