import { EventEmitter } from 'node:events';
import type { GatewayMethod } from '../../../src/telemetry/intelroute-metrics';
import { statusCodeOf, timeStreamCall, timeUnaryCall } from '../../../src/telemetry/rpc-call-timer';

interface Ended {
  method: GatewayMethod;
  code: number;
  seconds: number;
}

function recorder(): {
  ended: Ended[];
  rpcCallEnded: (m: GatewayMethod, c: number, s: number) => void;
} {
  const ended: Ended[] = [];
  return { ended, rpcCallEnded: (method, code, seconds) => ended.push({ method, code, seconds }) };
}

/** The events a grpc-js server stream emits, and its `cancelled` flag. */
class FakeStream extends EventEmitter {
  cancelled = false;
  constructor() {
    super();
    this.on('error', () => undefined); // grpc-js listens too: an emitted error never throws
  }
}

describe('rpc.server.call.duration of streaming calls', () => {
  it('records the code of the error the handler ends the call with, once', () => {
    const metrics = recorder();
    const call = new FakeStream();
    timeStreamCall(metrics, 'Subscribe', call);
    call.emit('error', { code: 7, details: 'not yours' });
    call.emit('finish'); // grpc-js ends the stream after an error: not a second record
    call.emit('close');
    expect(metrics.ended).toEqual([{ method: 'Subscribe', code: 7, seconds: expect.any(Number) }]);
  });

  it('records OK when the handler ends the call, CANCELLED when the client does', () => {
    const metrics = recorder();
    const done = new FakeStream();
    const cancelled = new FakeStream();
    timeStreamCall(metrics, 'PublishStream', done);
    timeStreamCall(metrics, 'PublishStream', cancelled);
    done.emit('finish');
    cancelled.cancelled = true;
    cancelled.emit('cancelled');
    cancelled.emit('close');
    expect(metrics.ended.map((e) => e.code)).toEqual([0, 1]);
  });

  it('records UNKNOWN for a stream closed without a status, and the time it lasted', async () => {
    const metrics = recorder();
    const call = new FakeStream();
    timeStreamCall(metrics, 'Subscribe', call);
    await new Promise((resolve) => setTimeout(resolve, 30));
    call.emit('close');
    expect(metrics.ended[0]?.code).toBe(2);
    expect(metrics.ended[0]?.seconds).toBeGreaterThanOrEqual(0.025);
    expect(metrics.ended[0]?.seconds).toBeLessThan(5);
  });
});

describe('rpc.server.call.duration of unary calls', () => {
  it('records the callback’s status and passes its arguments through', () => {
    const metrics = recorder();
    const answers: unknown[][] = [];
    const call = { cancelled: false };
    const ok = timeUnaryCall(metrics, 'Publish', call, (error, value) =>
      answers.push([error, value]),
    );
    ok(null, 'ack');
    const refused = timeUnaryCall(metrics, 'Publish', call, (error: unknown) =>
      answers.push([error]),
    );
    refused({ code: 8 });
    expect(answers).toEqual([
      [null, 'ack'],
      [{ code: 8 }, undefined],
    ]);
    expect(metrics.ended.map((e) => e.code)).toEqual([0, 8]);
  });

  it('records CANCELLED when the client went away before the answer', () => {
    const metrics = recorder();
    const call = { cancelled: false };
    const answer = timeUnaryCall(metrics, 'Publish', call, () => undefined);
    call.cancelled = true;
    answer(null);
    expect(metrics.ended[0]?.code).toBe(1);
  });

  it('reads a status code as grpc-js does', () => {
    expect(statusCodeOf(null)).toBe(0);
    expect(statusCodeOf({ code: 14 })).toBe(14);
    expect(statusCodeOf({ code: 'EPIPE' })).toBe(2);
    expect(statusCodeOf(new Error('boom'))).toBe(2);
  });
});
