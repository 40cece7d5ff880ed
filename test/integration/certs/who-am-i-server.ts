import * as grpc from '@grpc/grpc-js';
import { isIntelrouteError } from '../../../src/core/errors';
import { identityFromPeerCertificate, type Identity } from '../../../src/identity';

/**
 * A one-method gRPC service for the mTLS tests: `WhoAmI` answers with the Identity the server
 * derives from the caller's certificate, exactly as the gateway will, or UNAUTHENTICATED whose
 * details are the error's `details.reason` (so tests need not match message text).
 * Messages are JSON bytes, so no proto is needed.
 */
const json = {
  serialize: (value: unknown): Buffer => Buffer.from(JSON.stringify(value ?? null)),
  deserialize: (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8')) as unknown,
};

const whoAmIService = {
  whoAmI: {
    path: '/intelroute.test.WhoAmI/WhoAmI',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies grpc.ServiceDefinition;

export const WhoAmIClient = grpc.makeGenericClientConstructor(whoAmIService, 'WhoAmI');

/** A running WhoAmI server on 127.0.0.1 and an ephemeral port. */
export interface WhoAmIServer {
  readonly address: string;
  /** How many calls reached the handler: a connection refused at the handshake adds none. */
  handlerCalls(): number;
  stop(): Promise<void>;
}

/** Starts a WhoAmI server with the given credentials on 127.0.0.1:0. */
export async function startWhoAmIServer(
  credentials: grpc.ServerCredentials,
): Promise<WhoAmIServer> {
  let calls = 0;
  const server = new grpc.Server();
  server.addService(whoAmIService, {
    whoAmI: (
      call: grpc.ServerUnaryCall<unknown, Identity>,
      callback: grpc.sendUnaryData<Identity>,
    ) => {
      calls += 1;
      try {
        callback(null, identityFromPeerCertificate(call.getAuthContext().sslPeerCertificate));
      } catch (error) {
        callback(
          isIntelrouteError(error, 'UNAUTHENTICATED')
            ? { code: grpc.status.UNAUTHENTICATED, details: String(error.details.reason) }
            : { code: grpc.status.INTERNAL, details: String(error) },
        );
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    handlerCalls: () => calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

/** Outcome of one WhoAmI call: the identity, or the gRPC status code and details. */
export type WhoAmIOutcome =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly code: grpc.status; readonly details: string };

/**
 * Calls WhoAmI on a fresh channel with its own subchannel pool, so no TLS connection made by an
 * earlier test (with another certificate) is reused.
 */
export async function callWhoAmI(
  address: string,
  credentials: grpc.ChannelCredentials,
): Promise<WhoAmIOutcome> {
  const client = new WhoAmIClient(address, credentials, { 'grpc.use_local_subchannel_pool': 1 });
  try {
    return await new Promise<WhoAmIOutcome>((resolve) => {
      client.makeUnaryRequest(
        whoAmIService.whoAmI.path,
        json.serialize,
        json.deserialize,
        {},
        { deadline: Date.now() + 10_000 },
        (error: grpc.ServiceError | null, value?: unknown) => {
          resolve(
            error
              ? { ok: false, code: error.code, details: error.details }
              : { ok: true, identity: value as Identity },
          );
        },
      );
    });
  } finally {
    client.close();
  }
}
