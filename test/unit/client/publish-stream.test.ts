import * as grpc from '@grpc/grpc-js';
import {
  createGatewayClient,
  PublishRefusedError,
  type GatewayClient,
  type PublishAck,
  type PublishStreamOptions,
} from '../../../src/client';
import { isIntelrouteError } from '../../../src/core/errors';
import type { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { validEnvelope } from '../../helpers/envelopes';
import { startFakeGateway, type FakeBehaviour, type FakeGateway } from './fake-gateway';

/** PublishStream against a real grpc-js server on 127.0.0.1:0 (a scripted fake gateway). */

const fast = { initialBackoffMs: 10, maxBackoffMs: 50, jitter: 0 };
const gateways: FakeGateway[] = [];
let client: GatewayClient | undefined;

async function connect(behaviour: FakeBehaviour, port?: number): Promise<GatewayClient> {
  const gateway = await startFakeGateway(behaviour, port === undefined ? {} : { port });
  gateways.push(gateway);
  client = createGatewayClient({
    address: gateway.address,
    tls: { insecure: true },
    retry: fast,
    reconnect: { ...fast, maxAttempts: 20 },
    // The channel's own reconnection backoff (1 s by default) would outlast our attempts.
    channelOptions: {
      'grpc.initial_reconnect_backoff_ms': 20,
      'grpc.max_reconnect_backoff_ms': 50,
    },
  });
  return client;
}

function gateway(index = 0): FakeGateway {
  const found = gateways[index];
  if (found === undefined) throw new Error(`no gateway ${index}`);
  return found;
}

afterEach(async () => {
  client?.close();
  await Promise.all(gateways.splice(0).map((started) => started.stop()));
});

function envelopes(count: number): Envelope[] {
  return Array.from({ length: count }, (_, index) =>
    validEnvelope('online-vendor-report', { caseReference: `case-${index}` }),
  );
}

const ids = (list: readonly Envelope[]): string[] => list.map((envelope) => envelope.messageId);

/** Settles every promise: the ack's id, or the rejection. */
function settleAll(promises: Array<Promise<PublishAck>>): Promise<Array<string | unknown>> {
  return Promise.all(
    promises.map((p) =>
      p.then(
        (ack) => ack.messageId,
        (error: unknown) => error,
      ),
    ),
  );
}

const schemaRefusal = { grpcCode: 3, reason: 'SCHEMA_VIOLATION', message: 'bad payload' };

describe('publish stream against a fake gateway on 127.0.0.1:0', () => {
  it('correlates acks and refusals by id when they come out of order; a refusal does not end the stream', async () => {
    const batch = envelopes(4);
    const stream = (
      await connect({
        onStreamMessage(envelope, fake) {
          if (envelope.caseReference === 'later') return fake.ack(envelope.messageId);
          if (fake.received.length < 4) return;
          fake.ack(batch[3]?.messageId ?? '');
          fake.refuse(batch[1]?.messageId ?? '', schemaRefusal);
          fake.ack(batch[0]?.messageId ?? '');
          fake.ack(batch[2]?.messageId ?? '');
        },
      })
    ).openPublishStream();
    const results = await settleAll(batch.map((envelope) => stream.send(envelope)));
    expect(results[0]).toBe(batch[0]?.messageId);
    expect(results[2]).toBe(batch[2]?.messageId);
    expect(results[3]).toBe(batch[3]?.messageId);
    expect(results[1]).toBeInstanceOf(PublishRefusedError);
    expect((results[1] as PublishRefusedError).refusal.reason).toBe('SCHEMA_VIOLATION');
    expect((results[1] as PublishRefusedError).messageId).toBe(batch[1]?.messageId);

    const later = validEnvelope('seizure-report', { caseReference: 'later' });
    await expect(stream.send(later)).resolves.toMatchObject({ messageId: later.messageId });
    expect(gateway().streams).toHaveLength(1);
    await stream.end();
  });

  it('reconnects after UNAVAILABLE and resends exactly the unacked messages, with the same ids', async () => {
    const batch = envelopes(6);
    const stream = (
      await connect({
        onStreamMessage(_envelope, fake) {
          if (fake.index > 0) return fake.ack(_envelope.messageId);
          if (fake.received.length < 6) return;
          for (const index of [0, 2, 4]) fake.ack(batch[index]?.messageId ?? '');
          fake.fail(grpc.status.UNAVAILABLE, 'the gateway is shutting down');
        },
      })
    ).openPublishStream({ maxInFlight: 10 });
    const results = await settleAll(batch.map((envelope) => stream.send(envelope)));

    expect(results).toEqual(ids(batch));
    const [first, second] = gateway().streams;
    expect(ids(first?.received ?? [])).toEqual(ids(batch));
    expect(second?.received).toEqual([batch[1], batch[3], batch[5]]);
    expect(gateway().streams).toHaveLength(2);
  });

  it('resends unanswered messages on a new stream when the gateway ends one with OK early', async () => {
    const batch = envelopes(3);
    const stream = (
      await connect({
        onStreamMessage(envelope, fake) {
          if (fake.index > 0) return fake.ack(envelope.messageId);
          if (fake.received.length === 1) fake.ack(envelope.messageId);
          if (fake.received.length === 3) fake.close();
        },
      })
    ).openPublishStream();
    expect(await settleAll(batch.map((envelope) => stream.send(envelope)))).toEqual(ids(batch));
    expect(gateway().streams[1]?.received).toEqual([batch[1], batch[2]]);
  });

  it('reconnects to a restarted gateway after the connection drops, resending the unacked', async () => {
    const batch = envelopes(4);
    const silent = await connect({ onStreamMessage: () => undefined });
    const stream = silent.openPublishStream();
    const results = settleAll(batch.map((envelope) => stream.send(envelope)));
    await until(() => gateway(0).streams[0]?.received.length === 4);
    await gateway(0).stop();
    gateways.push(await startFakeGateway({}, { port: gateway(0).port }));

    expect(await results).toEqual(ids(batch));
    expect(gateway(1).streams.flatMap((fake) => ids(fake.received))).toEqual(ids(batch));
  });

  it('never has more than maxInFlight messages unacknowledged', async () => {
    const stream = (
      await connect({
        onStreamMessage(envelope, fake) {
          setTimeout(() => fake.ack(envelope.messageId), 15);
        },
      })
    ).openPublishStream({ maxInFlight: 3 });
    const batch = envelopes(12);
    const seen: number[] = [];
    const results = settleAll(
      batch.map((envelope) => {
        seen.push(stream.inFlight);
        return stream.send(envelope);
      }),
    );
    expect(await results).toEqual(ids(batch));
    expect(gateway().maxUnacked()).toBe(3);
    expect(Math.max(...seen)).toBe(3);
    expect(ids(gateway().streams[0]?.received ?? [])).toEqual(ids(batch));
  });

  it('ready() paces a producer to the window', async () => {
    const stream = (
      await connect({
        onStreamMessage(envelope, fake) {
          setTimeout(() => fake.ack(envelope.messageId), 5);
        },
      })
    ).openPublishStream({ maxInFlight: 2 });
    const sends: Array<Promise<PublishAck>> = [];
    for (const envelope of envelopes(6)) {
      await stream.ready();
      expect(stream.inFlight).toBeLessThan(2);
      sends.push(stream.send(envelope));
    }
    await Promise.all(sends);
    expect(gateway().maxUnacked()).toBe(2);
  });

  it('rejects every outstanding send when the stream ends with a non-retriable status, and closes', async () => {
    const stream = (
      await connect({
        onStreamMessage(_envelope, fake) {
          if (fake.received.length === 2) fake.fail(grpc.status.UNAUTHENTICATED, 'no certificate');
        },
      })
    ).openPublishStream();
    const results = await settleAll(envelopes(2).map((envelope) => stream.send(envelope)));
    for (const result of results) {
      expect(result).toBeInstanceOf(PublishRefusedError);
      expect(result).toMatchObject({ code: 'PUBLISH_REFUSED', retriable: false });
      expect((result as PublishRefusedError).refusal.codeName).toBe('UNAUTHENTICATED');
    }
    expect(gateway().streams).toHaveLength(1);
    const after: unknown = await stream
      .send(validEnvelope('seizure-report'))
      .catch((e: unknown) => e);
    expect(isIntelrouteError(after, 'CLIENT_CLOSED')).toBe(true);
  });

  it('resends a message refused with a retriable status on the same stream', async () => {
    const envelope = validEnvelope('seizure-report');
    const stream = (
      await connect({
        onStreamMessage(received, fake) {
          if (fake.received.length === 1) {
            fake.refuse(received.messageId, {
              grpcCode: 14,
              reason: 'KAFKA_UNAVAILABLE',
              message: '',
            });
          } else fake.ack(received.messageId);
        },
      })
    ).openPublishStream();
    await expect(stream.send(envelope)).resolves.toMatchObject({ messageId: envelope.messageId });
    expect(ids(gateway().streams[0]?.received ?? [])).toEqual([
      envelope.messageId,
      envelope.messageId,
    ]);
    expect(gateway().streams).toHaveLength(1);
  });

  it('gives up reopening after reconnect.maxAttempts, with a retriable error', async () => {
    const stream = (
      await connect({
        onStreamMessage: (_envelope, fake) => fake.fail(grpc.status.UNAVAILABLE, 'down'),
      })
    ).openPublishStream({ reconnect: { maxAttempts: 3 } });
    const error: unknown = await stream
      .send(validEnvelope('seizure-report'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PUBLISH_NOT_ACKNOWLEDGED', retriable: true, attempts: 3 });
    expect(gateway().streams).toHaveLength(3);
  });

  it('end() half-closes and resolves once every result is in; later sends are refused', async () => {
    const acked: string[] = [];
    const options: PublishStreamOptions = { onAck: (ack) => acked.push(ack.messageId) };
    const stream = (
      await connect({
        onStreamMessage(envelope, fake) {
          setTimeout(() => fake.ack(envelope.messageId), 20);
        },
      })
    ).openPublishStream(options);
    const batch = envelopes(3);
    for (const envelope of batch) void stream.send(envelope);
    await stream.end();
    expect(acked.sort()).toEqual(ids(batch).sort());
    expect(gateway().streams[0]?.halfClosed).toBe(true);
    const late: unknown = await stream
      .send(validEnvelope('seizure-report'))
      .catch((e: unknown) => e);
    expect(isIntelrouteError(late, 'CLIENT_CLOSED')).toBe(true);
  });

  it('refuses a message without id, or with an id already in flight, before sending it', async () => {
    const stream = (await connect({ onStreamMessage: () => undefined })).openPublishStream();
    const envelope = validEnvelope('seizure-report');
    void stream.send(envelope).catch(() => undefined);
    for (const bad of [validEnvelope('seizure-report', { messageId: '' }), envelope]) {
      const error: unknown = await stream.send(bad).catch((e: unknown) => e);
      expect(isIntelrouteError(error, 'ENVELOPE_INPUT_INVALID')).toBe(true);
    }
    await until(() => gateway().streams[0]?.received.length === 1);
    expect(gateway().streams[0]?.received).toEqual([envelope]);
  });

  it('refuses an envelope that cannot be encoded without failing the others in flight', async () => {
    const stream = (await connect({})).openPublishStream();
    const good = validEnvelope('seizure-report');
    const bad = validEnvelope('seizure-report', { createdAt: new Date('not a date') });
    const [goodResult, badResult] = await settleAll([stream.send(good), stream.send(bad)]);
    expect(goodResult).toBe(good.messageId);
    expect(isIntelrouteError(badResult, 'ENVELOPE_INPUT_INVALID')).toBe(true);
    expect(ids(gateway().streams[0]?.received ?? [])).toEqual([good.messageId]);
  });

  it('rejects unsettled sends with CLIENT_CLOSED when the client closes', async () => {
    const stream = (await connect({ onStreamMessage: () => undefined })).openPublishStream();
    const pending = stream.send(validEnvelope('seizure-report'));
    await until(() => gateway().streams[0]?.received.length === 1);
    client?.close();
    const error: unknown = await pending.catch((e: unknown) => e);
    expect(isIntelrouteError(error, 'CLIENT_CLOSED')).toBe(true);
  });
});

/** Waits (up to 5 s) for a condition the fake gateway reaches asynchronously. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
