import { secondsSince, type GatewayMethod } from './call-duration-metrics';
import type { IntelrouteMetrics } from './intelroute-metrics';

/**
 * rpc.server.call.duration for gRPC handlers: timed from the handler's start to the status the
 * call ends with. Kept free of grpc-js types: a call is what these functions read of it.
 */

const OK = 0;
const CANCELLED = 1;
const UNKNOWN = 2;

type CallRecorder = Pick<IntelrouteMetrics, 'rpcCallEnded'>;

/** The status code a handler's error ends the call with, as grpc-js decides it (else UNKNOWN). */
export function statusCodeOf(error: unknown): number {
  if (error === null || error === undefined) return OK;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && Number.isInteger(code) ? code : UNKNOWN;
}

/**
 * Wraps a unary call's callback: the call is timed from now to the callback, with the callback's
 * error code (OK without one; CANCELLED when the client went away first).
 */
export function timeUnaryCall<E, V>(
  metrics: CallRecorder,
  method: GatewayMethod,
  call: { readonly cancelled: boolean },
  callback: (error: E, value?: V) => void,
): (error: E, value?: V) => void {
  const started = performance.now();
  return (error, value) => {
    const code = call.cancelled ? CANCELLED : statusCodeOf(error);
    metrics.rpcCallEnded(method, code, secondsSince(started));
    callback(error, value);
  };
}

/** What {@link timeStreamCall} listens to on a grpc-js server stream. */
export interface ServerStreamLike {
  readonly cancelled: boolean;
  once(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'finish' | 'cancelled' | 'close', listener: () => void): unknown;
}

/**
 * Times a streaming call from now to its end, once: an emitted error (its code: grpc-js sends it
 * as the status), `finish` (the handler ended the call: OK), `cancelled` (the client or the
 * deadline ended it), or a `close` without any of those (CANCELLED if grpc-js says so, else
 * UNKNOWN).
 */
export function timeStreamCall(
  metrics: CallRecorder,
  method: GatewayMethod,
  call: ServerStreamLike,
): void {
  const started = performance.now();
  let ended = false;
  const end = (code: number): void => {
    if (ended) return;
    ended = true;
    metrics.rpcCallEnded(method, code, secondsSince(started));
  };
  call.once('error', (error) => end(statusCodeOf(error)));
  call.once('finish', () => end(OK));
  call.once('cancelled', () => end(CANCELLED));
  call.once('close', () => end(call.cancelled ? CANCELLED : UNKNOWN));
}
