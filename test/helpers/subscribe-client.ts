import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { refusalFromStatus, type Refusal } from '../../src/contract/rich-status';
import { statusFromMetadata } from '../../src/client';
import {
  IntelGatewayClient,
  StreamKind,
  type Delivery,
  type SubscribeRequest,
  type SubscribeResponse,
} from '../../src/contract/generated/intelroute/v1/gateway';

export interface TestSubscription {
  readonly deliveries: Delivery[];
  ack(deliveryId: string): void;
  /** Resolves with the deliveries once `count` arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Delivery[]>;
  /** Resolves with the refusal that ended the call (or null when it ended cleanly). */
  readonly ended: Promise<Refusal | null>;
  cancel(): void;
}

/** A raw Subscribe call over mTLS, as a national system in any language would make it. */
export function subscribe(
  address: string,
  files: { caFile: string; certFile: string; keyFile: string },
  start: { stream: StreamKind; country?: string; maxInFlight?: number },
): TestSubscription {
  const client = new IntelGatewayClient(
    address,
    grpc.credentials.createSsl(
      readFileSync(files.caFile),
      readFileSync(files.keyFile),
      readFileSync(files.certFile),
    ),
    { 'grpc.ssl_target_name_override': 'localhost' },
  );
  const call: grpc.ClientDuplexStream<SubscribeRequest, SubscribeResponse> = client.subscribe();
  const deliveries: Delivery[] = [];
  const waiters: Array<() => void> = [];
  call.on('data', (response: SubscribeResponse) => {
    if (response.kind?.$case === 'delivery') deliveries.push(response.kind.delivery);
    waiters.splice(0).forEach((wake) => wake());
  });
  const ended = new Promise<Refusal | null>((resolve) => {
    call.on('error', (error: grpc.ServiceError) => {
      const status = statusFromMetadata(error.metadata);
      resolve(
        status === undefined
          ? {
              code: error.code,
              codeName: 'UNKNOWN',
              reason: '',
              domain: '',
              message: error.details,
              fieldViolations: [],
              metadata: {},
            }
          : refusalFromStatus(status),
      );
      client.close();
    });
    call.on('end', () => {
      resolve(null);
      client.close();
    });
  });
  call.write({
    kind: {
      $case: 'start',
      start: {
        stream: start.stream,
        country: start.country ?? '',
        maxInFlight: start.maxInFlight ?? 0,
      },
    },
  });
  return {
    deliveries,
    ack: (deliveryId) => call.write({ kind: { $case: 'ack', ack: { deliveryId } } }),
    waitFor: async (count, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < count) {
        if (Date.now() > deadline)
          throw new Error(`only ${deliveries.length} of ${count} deliveries`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return deliveries;
    },
    ended,
    cancel: () => {
      call.cancel();
      client.close();
    },
  };
}
