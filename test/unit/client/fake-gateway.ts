import * as grpc from '@grpc/grpc-js';
import { statusToServiceError } from '../../../src/contract/status-trailer';
import { refusalStatus, type RefusalSpec } from '../../../src/contract/rich-status';
import type { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  IntelGatewayService,
  type IntelGatewayServer,
  type PublishAck,
  type PublishRequest,
  type PublishResult,
} from '../../../src/contract/generated/intelroute/v1/gateway';

/**
 * A test double of the gateway *server*: a real grpc-js server on 127.0.0.1 and an ephemeral
 * port serving IntelGateway, whose answers each test scripts. It records what it received, so
 * tests assert on the wire, not on the client's internals.
 */

/** What a unary Publish handler may answer: an ack, or a refusal (sent with rich details). */
export type UnaryAnswer = { ack: PublishAck } | { refuse: RefusalSpec } | { hang: true };

/** One PublishStream as the server sees it. */
export interface FakeStream {
  readonly index: number;
  readonly metadata: grpc.Metadata;
  /** Every envelope received on this stream, in order. */
  readonly received: Envelope[];
  /** Messages received and not yet answered. */
  readonly unacked: number;
  /** Highest `unacked` seen on this stream. */
  readonly maxUnacked: number;
  /** True once the client half-closed. */
  readonly halfClosed: boolean;
  ack(messageId: string): void;
  refuse(messageId: string, spec: RefusalSpec): void;
  /** Ends the stream with a non-OK status (e.g. UNAVAILABLE, as a gateway shutting down). */
  fail(code: grpc.status, details: string): void;
  /** Ends the stream with OK at once, answered or not. */
  close(): void;
}

/** How the fake answers; each hook defaults to "ack at once". */
export interface FakeBehaviour {
  /** `attempt` counts Publish calls with this message_id, from 1. */
  publish?(envelope: Envelope, attempt: number, metadata: grpc.Metadata): UnaryAnswer;
  onStreamMessage?(envelope: Envelope, stream: FakeStream): void;
}

export interface FakeGateway {
  readonly address: string;
  readonly port: number;
  /** Every unary Publish received, in order, with the client certificate's SANs under TLS. */
  readonly publishCalls: Array<{ envelope: Envelope; metadata: grpc.Metadata; peerSan?: string }>;
  readonly streams: FakeStream[];
  /** The highest `unacked` over every stream. */
  maxUnacked(): number;
  stop(): Promise<void>;
}

/** An ack for `messageId` with one record on DE's inbox. */
export function ackFor(messageId: string, offset = 0): PublishAck {
  return {
    messageId,
    records: [{ topic: 'intel.v1.country.DE', partition: 0, offset: String(offset) }],
    duplicate: false,
    routesNotTaken: [],
    acceptedAt: new Date('2025-03-14T09:30:00Z'),
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  };
}

/** Starts a fake gateway with `credentials` (plaintext by default) on 127.0.0.1:`port`. */
export async function startFakeGateway(
  behaviour: FakeBehaviour = {},
  options: { credentials?: grpc.ServerCredentials; port?: number } = {},
): Promise<FakeGateway> {
  const publishCalls: FakeGateway['publishCalls'] = [];
  const streams: FakeStream[] = [];
  const attempts = new Map<string, number>();
  const server = new grpc.Server();
  const implementation: IntelGatewayServer = {
    publish(call, callback) {
      const envelope = envelopeOf(call.request);
      const peerSan = call.getAuthContext().sslPeerCertificate?.subjectaltname;
      publishCalls.push({ envelope, metadata: call.metadata, peerSan });
      const attempt = (attempts.get(envelope.messageId) ?? 0) + 1;
      attempts.set(envelope.messageId, attempt);
      const answer = behaviour.publish?.(envelope, attempt, call.metadata) ?? {
        ack: ackFor(envelope.messageId),
      };
      if ('ack' in answer) callback(null, answer.ack);
      else if ('refuse' in answer) callback(statusToServiceError(refusalStatus(answer.refuse)));
    },
    publishStream(call) {
      const stream = fakeStream(call, streams.length);
      streams.push(stream.view);
      call.on('data', (request: PublishRequest) => {
        const envelope = stream.receive(request);
        if (behaviour.onStreamMessage) behaviour.onStreamMessage(envelope, stream.view);
        else stream.view.ack(envelope.messageId);
      });
    },
    subscribe(call) {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'not in the fake' });
    },
  };
  server.addService(IntelGatewayService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${options.port ?? 0}`,
      options.credentials ?? grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    port,
    publishCalls,
    streams,
    maxUnacked: () => Math.max(0, ...streams.map((stream) => stream.maxUnacked)),
    stop: () => stopServer(server),
  };
}

/** Stops at once: open calls end with UNAVAILABLE on the client, as on a crash. */
function stopServer(server: grpc.Server): Promise<void> {
  server.forceShutdown();
  return Promise.resolve();
}

function envelopeOf(request: PublishRequest): Envelope {
  if (request.envelope === undefined) throw new Error('fake gateway: request without envelope');
  return request.envelope;
}

function fakeStream(
  call: grpc.ServerDuplexStream<PublishRequest, PublishResult>,
  index: number,
): { view: FakeStream; receive(request: PublishRequest): Envelope } {
  const open = new Set<string>();
  const received: Envelope[] = [];
  let maxUnacked = 0;
  let halfClosed = false;
  let finished = false;
  const answer = (messageId: string, result: PublishResult): void => {
    if (finished || !open.delete(messageId)) return;
    call.write(result);
    if (halfClosed && open.size === 0) finish();
  };
  const finish = (): void => {
    finished = true;
    call.end();
  };
  call.on('end', () => {
    halfClosed = true;
    if (open.size === 0 && !finished) finish();
  });
  const view: FakeStream = {
    index,
    metadata: call.metadata,
    received,
    get unacked() {
      return open.size;
    },
    get maxUnacked() {
      return maxUnacked;
    },
    get halfClosed() {
      return halfClosed;
    },
    ack: (messageId) =>
      answer(messageId, { messageId, outcome: { $case: 'ack', ack: ackFor(messageId, index) } }),
    refuse: (messageId, spec) =>
      answer(messageId, {
        messageId,
        outcome: { $case: 'refusal', refusal: refusalStatus(spec) },
      }),
    fail(code, details) {
      if (finished) return;
      finished = true;
      call.emit('error', { code, details });
    },
    close() {
      if (!finished) finish();
    },
  };
  return {
    view,
    receive(request) {
      const envelope = envelopeOf(request);
      received.push(envelope);
      open.add(envelope.messageId);
      maxUnacked = Math.max(maxUnacked, open.size);
      return envelope;
    },
  };
}
