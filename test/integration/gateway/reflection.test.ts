import {
  create,
  createFileRegistry,
  fromBinary,
  fromJson,
  toBinary,
  toJson,
  type DescMessage,
  type FileRegistry,
  type JsonObject,
  type Message,
} from '@bufbuild/protobuf';
import {
  anyUnpack,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type Any,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import fixture from '../../fixtures/envelopes-json/online-vendor-report-fr-to-de.json';
import { eventually } from '../../helpers/eventually';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';

jest.setTimeout(120_000);

const GATEWAY = 'intelroute.v1.IntelGateway';
const HEALTH = 'grpc.health.v1.Health';

/**
 * What a client that has no .proto file (grpcurl, Postman, buf curl) needs from server
 * reflection: every service listed, every file under its real name with its real imports, every
 * type the gateway's methods reach resolvable, and calls built from those descriptors alone
 * answered. The client below knows the reflection protocol only (as grpcurl does).
 */
describe('server reflection', () => {
  let gw: TestGateway;
  let credentials: grpc.ChannelCredentials;
  let files: { caFile: string; certFile: string; keyFile: string };
  const clients: grpc.Client[] = [];

  beforeAll(async () => {
    gw = await startTestGateway();
    files = await gw.certs.client('urn:intelroute:ncb:FR');
    credentials = grpc.credentials.createSsl(
      readFileSync(files.caFile),
      readFileSync(files.keyFile),
      readFileSync(files.certFile),
    );
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await gw?.stop();
  });

  function reflection(version: 'v1' | 'v1alpha'): ReflectionClient {
    const client = new ReflectionClient(gw.address, credentials, version);
    clients.push(client.grpcClient);
    return client;
  }

  it.each(['v1', 'v1alpha'] as const)('%s lists the gateway, health and reflection', async (v) => {
    const services = await reflection(v).listServices();
    expect(services).toEqual(
      expect.arrayContaining([
        GATEWAY,
        HEALTH,
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
      ]),
    );
  });

  it('serves real file names and imports, and every type the gateway reaches resolves', async () => {
    const client = reflection('v1');
    const registry = await client.registryOf(GATEWAY);
    const gatewayFile = registry.getFile('intelroute/v1/gateway.proto');
    expect(gatewayFile?.proto.dependency).toEqual([
      'google/protobuf/timestamp.proto',
      'google/rpc/status.proto',
      'intelroute/v1/envelope.proto',
    ]);
    const service = registry.getService(GATEWAY);
    expect(service?.methods.map((method) => method.name)).toEqual([
      'Publish',
      'PublishStream',
      'Subscribe',
    ]);
    const reached = new Set<string>();
    for (const method of service?.methods ?? []) {
      typesReachedFrom(method.input, reached);
      typesReachedFrom(method.output, reached);
    }
    for (const name of ['google.protobuf.Timestamp', 'google.rpc.Status', 'google.protobuf.Any']) {
      expect(reached).toContain(name);
    }
    // What grpcurl asked for by name when the types were made up: now found.
    const timestamp = await client.fileByFilename('google/protobuf/timestamp.proto');
    expect(timestamp.map((file) => file.name)).toEqual(['google/protobuf/timestamp.proto']);
  });

  it('a health Check built from reflected descriptors answers SERVING', async () => {
    const registry = await reflection('v1').registryOf(HEALTH);
    const check = registry.getService(HEALTH)?.methods.find((m) => m.name === 'Check');
    if (check === undefined) throw new Error('no Check method reflected');
    const answer = await eventually(
      () =>
        unary(
          gw.address,
          credentials,
          `/${HEALTH}/Check`,
          check.input,
          check.output,
          create(check.input),
        ),
      (response) =>
        (toJson(check.output, response, { registry }) as JsonObject)['status'] === 'SERVING',
    );
    expect(toJson(check.output, answer, { registry })).toEqual({ status: 'SERVING' });
  });

  it('a Publish built from reflected descriptors is acked, and a refusal decodes', async () => {
    const registry = await reflection('v1').registryOf(GATEWAY);
    const publish = registry.getService(GATEWAY)?.methods.find((m) => m.name === 'Publish');
    if (publish === undefined) throw new Error('no Publish method reflected');
    const messageId = randomUUID();
    // proto3 JSON, as `grpcurl -d` takes it: bytes in base64, timestamps in RFC 3339.
    const request = fromJson(publish.input, publishJson(messageId), { registry });
    const ack = await unary(
      gw.address,
      credentials,
      `/${GATEWAY}/Publish`,
      publish.input,
      publish.output,
      request,
    );
    const json = toJson(publish.output, ack, { registry }) as {
      messageId: string;
      records: Array<{ topic: string }>;
    };
    expect(json.messageId).toBe(messageId);
    expect(json.records.map((record) => record.topic)).toContain(gw.topic('intel.v1.country.DE'));

    const invalid = publishJson(randomUUID());
    invalid.envelope['messageType'] = 'no-such-type';
    const refusal = await unary(
      gw.address,
      credentials,
      `/${GATEWAY}/Publish`,
      publish.input,
      publish.output,
      fromJson(publish.input, invalid, { registry }),
    ).then(
      () => undefined,
      (error: grpc.ServiceError) => error,
    );
    expect(refusal?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const trailer = refusal?.metadata.get('grpc-status-details-bin')[0];
    const statusDesc = registry.getMessage('google.rpc.Status');
    if (!(trailer instanceof Buffer) || statusDesc === undefined) throw new Error('no rich status');
    const status = fromBinary(statusDesc, trailer) as Message & { details: Any[] };
    // Its details are messages of google/rpc/error_details.proto, which no served file imports:
    // a client finds them by symbol, as grpcurl does to print an Any.
    const details = await reflection('v1').registryOf('google.rpc.ErrorInfo');
    const errorInfo = status.details.map((any) => anyUnpack(any, details)).find(Boolean);
    expect(errorInfo?.$typeName).toBe('google.rpc.ErrorInfo');
    expect((errorInfo as Message & { reason?: string })?.reason).toBe('UNKNOWN_MESSAGE_TYPE');
  });

  const grpcurl = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((dir) => path.join(dir, 'grpcurl'))
    .find((candidate) => existsSync(candidate));
  (grpcurl === undefined ? it.skip : it)(
    'grpcurl (skipped when not on PATH) lists, describes, checks health and publishes with no .proto file',
    async () => {
      // grpcurl [flags] address [list|describe|method] [symbol]
      const run = async (flags: string[], ...verb: string[]) => {
        const tls = ['-cacert', files.caFile, '-cert', files.certFile, '-key', files.keyFile];
        const args = [...tls, '-authority', 'localhost', ...flags, gw.address, ...verb];
        const { stdout } = await promisify(execFile)(grpcurl ?? 'grpcurl', args, {
          timeout: 20_000,
        });
        return stdout;
      };
      const listed = await run([], 'list');
      expect(listed).toContain(GATEWAY);
      expect(listed).toContain(HEALTH);
      const described = await run([], 'describe', 'intelroute.v1.Envelope');
      expect(described).toContain('.google.protobuf.Timestamp created_at = 11;');
      expect(await run([], `${HEALTH}/Check`)).toContain('"status": "SERVING"');
      const messageId = randomUUID();
      const acked = await run(['-d', JSON.stringify(publishJson(messageId))], `${GATEWAY}/Publish`);
      expect(JSON.parse(acked)).toMatchObject({ messageId });
    },
  );
});

/** The README fixture (FR to DE) as a PublishRequest in proto3 JSON. */
function publishJson(messageId: string): { envelope: JsonObject } {
  const { payloadJson, ...envelope } = fixture;
  return {
    envelope: {
      ...envelope,
      messageId,
      createdAt: new Date(Date.now() - 60_000).toISOString(),
      payload: Buffer.from(JSON.stringify(payloadJson)).toString('base64'),
    },
  };
}

/** Every message and enum name reachable from `message`, into `seen`. */
function typesReachedFrom(message: DescMessage, seen: Set<string>): void {
  if (seen.has(message.typeName)) return;
  seen.add(message.typeName);
  for (const field of message.fields) {
    if (field.message !== undefined) typesReachedFrom(field.message, seen);
    if (field.enum !== undefined) seen.add(field.enum.typeName);
  }
}

function unary(
  address: string,
  credentials: grpc.ChannelCredentials,
  method: string,
  input: DescMessage,
  output: DescMessage,
  request: Message,
): Promise<Message> {
  const client = new grpc.Client(address, credentials, {
    'grpc.ssl_target_name_override': 'localhost',
  });
  return new Promise<Message>((resolve, reject) => {
    client.makeUnaryRequest(
      method,
      (value: Message) => Buffer.from(toBinary(input, value)),
      (bytes: Buffer) => fromBinary(output, bytes),
      request,
      { deadline: Date.now() + 10_000 },
      (error, response) => (error || response === undefined ? reject(error) : resolve(response)),
    );
  }).finally(() => client.close());
}

/** The protocol's own messages, in the snake_case proto-loader keeps with keepCase. */
interface ReflectionResponse {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** A reflection client on one stream per question, as grpcurl asks: nothing but the protocol. */
class ReflectionClient {
  readonly grpcClient: grpc.Client;

  constructor(
    address: string,
    credentials: grpc.ChannelCredentials,
    readonly version: 'v1' | 'v1alpha',
  ) {
    const dir = path.resolve(path.dirname(require.resolve('@grpc/reflection')), '..', 'proto');
    const definition = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, {
      includeDirs: [dir],
      keepCase: true,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: { reflection: Record<string, { ServerReflection: grpc.ServiceClientConstructor }> };
    };
    const Client = loaded.grpc.reflection[version]?.ServerReflection;
    if (Client === undefined) throw new Error(`no ${version} reflection stub`);
    this.grpcClient = new Client(address, credentials, {
      'grpc.ssl_target_name_override': 'localhost',
    });
  }

  async listServices(): Promise<string[]> {
    const response = await this.ask({ list_services: '*' });
    return response.list_services_response?.service.map((service) => service.name) ?? [];
  }

  async fileByFilename(name: string): Promise<FileDescriptorProto[]> {
    return this.files(await this.ask({ file_by_filename: name }), name);
  }

  /**
   * The registry of the file declaring `symbol`, every import asked for by its file name (a
   * NOT_FOUND throws); createFileRegistry throws if an import or a type is still missing.
   */
  async registryOf(symbol: string): Promise<FileRegistry> {
    const root = this.files(await this.ask({ file_containing_symbol: symbol }), symbol)[0];
    if (root === undefined) throw new Error(`nothing served for ${symbol}`);
    const byName = new Map<string, FileDescriptorProto>([[root.name, root]]);
    const queue = [...root.dependency];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (byName.has(name)) continue;
      const file = (await this.fileByFilename(name))[0];
      if (file?.name !== name) throw new Error(`asked for ${name}, got ${file?.name}`);
      byName.set(name, file);
      queue.push(...file.dependency);
    }
    // createFileRegistry(file, resolve) misorders imports shared by two files: hand it a set
    // whose files come after their imports, as a FileDescriptorSet's do.
    return createFileRegistry(
      create(FileDescriptorSetSchema, { file: importsFirst(root, byName) }),
    );
  }

  private files(response: ReflectionResponse, asked: string): FileDescriptorProto[] {
    if (response.error_response !== undefined) {
      throw new Error(
        `${asked}: ${response.error_response.error_code} ${response.error_response.error_message}`,
      );
    }
    const encoded = response.file_descriptor_response?.file_descriptor_proto ?? [];
    return encoded.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
  }

  private ask(request: Record<string, string>): Promise<ReflectionResponse> {
    const call = (
      this.grpcClient as unknown as {
        ServerReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionResponse>;
      }
    ).ServerReflectionInfo();
    return new Promise((resolve, reject) => {
      call.once('data', (response: ReflectionResponse) => {
        resolve(response);
        call.end();
      });
      call.once('error', reject);
      call.write({ host: '', ...request });
    });
  }
}

/** `root` and the files it imports, transitively, each after the files it imports. */
function importsFirst(
  root: FileDescriptorProto,
  byName: ReadonlyMap<string, FileDescriptorProto>,
): FileDescriptorProto[] {
  const ordered: FileDescriptorProto[] = [];
  const visit = (file: FileDescriptorProto): void => {
    if (ordered.includes(file)) return;
    for (const name of file.dependency) {
      const dependency = byName.get(name);
      if (dependency === undefined) throw new Error(`${name} was not served`);
      visit(dependency);
    }
    ordered.push(file);
  };
  visit(root);
  return ordered;
}
