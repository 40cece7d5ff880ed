import * as grpc from '@grpc/grpc-js';
import type { SubscribeRequest, SubscribeResponse } from '../../generated/intelroute/v1/gateway';

/** Subscribe until the subscription service is wired in: a clear UNIMPLEMENTED. */
export const subscribeUnavailable: grpc.handleBidiStreamingCall<
  SubscribeRequest,
  SubscribeResponse
> = (call) => {
  call.emit('error', {
    code: grpc.status.UNIMPLEMENTED,
    details: 'Subscribe is not served by this gateway; read your topic with a Kafka consumer',
  });
};
