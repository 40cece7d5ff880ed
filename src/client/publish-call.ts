import type * as grpc from '@grpc/grpc-js';
import type { PublishRequest, PublishResult } from '../contract/generated/intelroute/v1/gateway';

/** One gRPC PublishStream call, as the generated client returns it. */
export type PublishCall = grpc.ClientDuplexStream<PublishRequest, PublishResult>;

/** What a watcher hears from one call. */
export interface PublishCallHandlers {
  onResult(result: PublishResult): void;
  /** Once, after the last result: the call's final status (trailers in `metadata`). */
  onEnded(status: grpc.StatusObject): void;
}

/**
 * Subscribes to a call's events. grpc-js emits 'status' right after queueing the end of the
 * messages, possibly before the last 'data' events are delivered: the call counts as ended only
 * once both 'status' and 'end' were seen, so no result is lost to a reconnection.
 */
export function watchPublishCall(call: PublishCall, handlers: PublishCallHandlers): void {
  let status: grpc.StatusObject | null = null;
  let readEnded = false;
  const finish = (): void => {
    if (status !== null && readEnded) handlers.onEnded(status);
  };
  call.on('data', (result: PublishResult) => handlers.onResult(result));
  // The same failure also arrives as 'status'; without a listener 'error' would throw.
  call.on('error', () => undefined);
  call.on('status', (received: grpc.StatusObject) => {
    status = received;
    finish();
  });
  call.on('end', () => {
    readEnded = true;
    finish();
  });
}
