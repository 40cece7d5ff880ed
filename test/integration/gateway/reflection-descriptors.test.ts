import { fromBinary, toJson } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/config/project-root';
import { loadServedFileDescriptors } from '../../../src/gateway/grpc/reflection-service';

/**
 * The descriptors reflection serves are built at start-up from the .proto files by our own
 * converter (protobufjs parses, file-descriptor-of.ts describes): they must be what a real
 * compiler makes of the same files. buf (a devDependency, the compiler of `npm run generate`)
 * is the reference; only its source info (comments, spans) is not served.
 */
describe('reflection descriptors equal those buf compiles', () => {
  const served = new Map(loadServedFileDescriptors().map((file) => [file.name, file]));
  const out = mkdtempSync(path.join(os.tmpdir(), 'intelroute-descriptors-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  /** buf's descriptors of `input` (a module folder), without source info. */
  function bufBuild(input: string, ...flags: string[]): FileDescriptorProto[] {
    const file = path.join(out, `${randomUUID()}.binpb`);
    const buf = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'buf');
    execFileSync(buf, ['build', input, ...flags, '-o', file], { cwd: PROJECT_ROOT });
    return fromBinary(FileDescriptorSetSchema, readFileSync(file)).file.map((proto) => {
      proto.sourceCodeInfo = undefined;
      return proto;
    });
  }

  function expectServed(expected: FileDescriptorProto): void {
    const file = served.get(expected.name);
    expect(file && toJson(FileDescriptorProtoSchema, file)).toEqual(
      toJson(FileDescriptorProtoSchema, expected),
    );
  }

  it('the contract and every file it imports, by their real names', () => {
    const compiled = bufBuild('.');
    expect(compiled.map((file) => file.name)).toEqual(
      expect.arrayContaining(['intelroute/v1/gateway.proto', 'google/protobuf/timestamp.proto']),
    );
    for (const file of compiled) expectServed(file);
  });

  it('the health service, under its canonical name grpc/health/v1/health.proto', () => {
    const [health, ...others] = bufBuild(path.resolve(path.dirname(healthProtoPath), '..', '..'));
    expect(others).toEqual([]);
    if (health === undefined) throw new Error('buf built nothing');
    health.name = 'grpc/health/v1/health.proto';
    expectServed(health);
  });

  it('the reflection service, v1 and v1alpha', () => {
    const dir = path.resolve(path.dirname(require.resolve('@grpc/reflection')), '..', 'proto');
    const compiled = bufBuild(dir, '--path', path.join(dir, 'grpc', 'reflection'));
    expect(compiled.map((file) => file.name).sort()).toEqual([
      'grpc/reflection/v1/reflection.proto',
      'grpc/reflection/v1alpha/reflection.proto',
    ]);
    for (const file of compiled) expectServed(file);
  });
});
