import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type http2 from 'node:http2';
import { IntelrouteError } from '../../core/errors';
import { wireSchemaOf } from '../../contract/wire-check';
import type { IntelGatewayServer } from '../../contract/generated/intelroute/v1/gateway';
import type { ConnectionGuard } from './connection-guard';
import { createReflectionService, loadServedFileDescriptors } from './reflection-service';
import { strictGatewayService } from './strict-requests';

export const GATEWAY_SERVICE_NAME = 'intelroute.v1.IntelGateway';

export interface GatewayServerOptions {
  readonly host: string;
  readonly port: number;
  readonly credentials: grpc.ServerCredentials;
  readonly handlers: IntelGatewayServer;
  /** The contract's descriptors (strict request reading). */
  readonly contract: PackageDefinition;
  /**
   * What server reflection describes, by real file name (default: loadServedFileDescriptors(),
   * read from proto/ and the health and reflection packages when the server is constructed).
   */
  readonly reflectionFiles?: readonly FileDescriptorProto[];
  readonly maxReceiveMessageBytes: number;
  readonly maxConcurrentStreamsPerConnection: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly maxConnectionIdleMs: number;
  /** Guards the connections of every address the server binds (limits, dead sessions). */
  readonly guard?: ConnectionGuard;
}

/**
 * The gRPC server: IntelGateway, the standard health service (SERVING only while the gateway
 * can write to Kafka) and server reflection (so grpcurl works without the .proto files).
 */
export class GatewayServer {
  private readonly server: grpc.Server;
  private readonly health = new HealthImplementation({
    '': 'NOT_SERVING',
    [GATEWAY_SERVICE_NAME]: 'NOT_SERVING',
  });
  private boundPort: number | undefined;

  constructor(private readonly options: GatewayServerOptions) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': options.maxReceiveMessageBytes,
      'grpc.max_send_message_length': options.maxReceiveMessageBytes,
      'grpc.max_concurrent_streams': options.maxConcurrentStreamsPerConnection,
      'grpc.keepalive_time_ms': options.keepaliveTimeMs,
      'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
      'grpc.max_connection_idle_ms': options.maxConnectionIdleMs,
      // Bounded HTTP/2 session memory (MB): a peer that never reads cannot make us buffer forever.
      'grpc-node.max_session_memory': 64,
    });
    this.server.addService(strictGatewayService(wireSchemaOf(options.contract)), options.handlers);
    this.health.addToServer(this.server);
    createReflectionService(options.reflectionFiles ?? loadServedFileDescriptors()).addToServer(
      this.server,
    );
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('the gateway server is not listening');
    return this.boundPort;
  }

  /** Binds and starts serving; resolves with the port (useful with port 0). */
  async start(): Promise<number> {
    const address = `${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${this.options.port}`;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, this.options.credentials, (error, port) =>
        error
          ? reject(
              new IntelrouteError(
                'CONFIG_INVALID',
                `cannot listen on ${address}: ${error.message}`,
                { cause: error },
              ),
            )
          : resolve(port),
      );
    });
    const { guard } = this.options;
    if (guard !== undefined) {
      for (const server of this.http2Servers()) guard.attach(server);
      guard.start();
    }
    return this.boundPort;
  }

  /**
   * grpc-js's HTTP/2 servers, one per bound address. grpc-js offers no public way to reach them,
   * and the guard needs their connection and session events: read its private map, and fail the
   * start loudly if a grpc-js upgrade moved it (the version is pinned; a test covers the guard).
   */
  private http2Servers(): Array<http2.Http2Server | http2.Http2SecureServer> {
    const servers = (this.server as unknown as { http2Servers?: unknown }).http2Servers;
    if (!(servers instanceof Map) || servers.size === 0) {
      throw new IntelrouteError(
        'INTERNAL',
        'grpc-js does not expose its HTTP/2 servers as expected: the connection guard cannot attach',
      );
    }
    return [...(servers as Map<http2.Http2Server | http2.Http2SecureServer, unknown>).keys()];
  }

  setServing(serving: boolean): void {
    const status: ServingStatus = serving ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', status);
    this.health.setStatus(GATEWAY_SERVICE_NAME, status);
  }

  /** Stops accepting calls and waits for open ones; after `graceMs` cuts what remains. */
  async stop(graceMs: number): Promise<void> {
    this.setServing(false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.options.guard?.stop();
  }
}
