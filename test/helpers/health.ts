import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = grpc.Client & {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: { status: string }) => void,
  ): void;
};

/**
 * Asks the standard grpc.health.v1 service for `service`'s status, as a load balancer would.
 * Resolves with 'SERVING', 'NOT_SERVING', …, or 'UNREACHABLE' when the call fails.
 */
export async function healthStatus(
  address: string,
  credentials: grpc.ChannelCredentials,
  service = '',
): Promise<string> {
  const definition = protoLoader.loadSync(protoPath, {
    keepCase: true,
    enums: String,
    defaults: true,
  });
  const grpcObject = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: {
      health: {
        v1: {
          Health: new (
            address: string,
            credentials: grpc.ChannelCredentials,
            options?: grpc.ChannelOptions,
          ) => HealthClient;
        };
      };
    };
  };
  const client = new grpcObject.grpc.health.v1.Health(address, credentials, {
    'grpc.ssl_target_name_override': 'localhost',
  });
  try {
    return await new Promise((resolve) => {
      client.check({ service }, { deadline: Date.now() + 3000 }, (error, response) =>
        resolve(error ? 'UNREACHABLE' : (response?.status ?? 'UNKNOWN')),
      );
    });
  } finally {
    client.close();
  }
}
