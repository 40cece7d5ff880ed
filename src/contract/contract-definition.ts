import * as protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/project-root';

/** The contract's .proto files, under `proto/`. */
const CONTRACT_FILES = [
  'intelroute/v1/gateway.proto',
  'intelroute/v1/envelope.proto',
  'intelroute/v1/records.proto',
];

/**
 * The contract's descriptors, read from `proto/` (at start-up: it reads files): for server
 * reflection (grpcurl works without the files) and the strict reading of requests.
 */
export function loadContractDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(CONTRACT_FILES, {
    includeDirs: [path.join(PROJECT_ROOT, 'proto')],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}
