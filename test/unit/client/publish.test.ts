import * as grpc from '@grpc/grpc-js';
import { createGatewayClient, PublishRefusedError, type GatewayClient } from '../../../src/client';
import { isIntelrouteError } from '../../../src/core/errors';
import { validEnvelope } from '../../helpers/envelopes';
import { ackFor, startFakeGateway, type FakeGateway, type FakeBehaviour } from './fake-gateway';

/** Unary Publish against a real grpc-js server on 127.0.0.1:0 (a scripted fake gateway). */

const fastRetry = { initialBackoffMs: 1, maxBackoffMs: 5, jitter: 0 };
let gateway: FakeGateway | undefined;
let client: GatewayClient | undefined;

async function connect(behaviour: FakeBehaviour, retry = {}): Promise<GatewayClient> {
  gateway = await startFakeGateway(behaviour);
  client = createGatewayClient({
    address: gateway.address,
    tls: { insecure: true },
    retry: { ...fastRetry, ...retry },
  });
  return client;
}

afterEach(async () => {
  client?.close();
  await gateway?.stop();
  client = undefined;
  gateway = undefined;
});

async function refusalOf(promise: Promise<unknown>): Promise<PublishRefusedError> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  if (!(error instanceof PublishRefusedError)) throw new Error(`not refused: ${String(error)}`);
  return error;
}

describe('publish (unary) against a fake gateway on 127.0.0.1:0', () => {
  it('resolves with the ack and passes call metadata through', async () => {
    const publish = (await connect({})).publish;
    const envelope = validEnvelope('online-vendor-report');
    const metadata = new grpc.Metadata();
    metadata.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    await expect(publish(envelope, { metadata })).resolves.toEqual(ackFor(envelope.messageId));
    expect(gateway?.publishCalls[0]?.metadata.get('traceparent')).toEqual([
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ]);
  });

  it('maps a refusal trailer to a typed, non-retriable PublishRefusedError', async () => {
    const { publish } = await connect({
      publish: () => ({
        refuse: {
          grpcCode: grpc.status.INVALID_ARGUMENT,
          reason: 'SCHEMA_VIOLATION',
          message: 'payload does not match its schema',
          fieldViolations: [
            { field: 'payload/urls/0', description: 'not a URI', reason: 'format' },
          ],
          metadata: { message_id: 'm-1' },
        },
      }),
    });
    const error = await refusalOf(publish(validEnvelope('online-vendor-report')));
    expect(error.code).toBe('PUBLISH_REFUSED');
    expect(error.retriable).toBe(false);
    expect(error.refusal).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      codeName: 'INVALID_ARGUMENT',
      reason: 'SCHEMA_VIOLATION',
      domain: 'intelroute.v1',
      message: 'payload does not match its schema',
      fieldViolations: [{ field: 'payload/urls/0', description: 'not a URI', reason: 'format' }],
      metadata: { message_id: 'm-1' },
    });
  });

  it('retries UNAVAILABLE with the same message id, then resolves', async () => {
    const { publish } = await connect({
      publish: (envelope, attempt) =>
        attempt < 3
          ? { refuse: { grpcCode: 14, reason: 'KAFKA_UNAVAILABLE', message: 'try again' } }
          : { ack: ackFor(envelope.messageId) },
    });
    const envelope = validEnvelope('seizure-report');
    await expect(publish(envelope)).resolves.toMatchObject({ messageId: envelope.messageId });
    expect(gateway?.publishCalls.map((call) => call.envelope.messageId)).toEqual([
      envelope.messageId,
      envelope.messageId,
      envelope.messageId,
    ]);
  });

  it('does not retry INVALID_ARGUMENT', async () => {
    const { publish } = await connect({
      publish: () => ({ refuse: { grpcCode: 3, reason: 'ENVELOPE_INVALID', message: 'bad' } }),
    });
    const error = await refusalOf(publish(validEnvelope('seizure-report')));
    expect(error.attempts).toBe(1);
    expect(gateway?.publishCalls).toHaveLength(1);
  });

  it('gives up after maxAttempts with a retriable PUBLISH_NOT_ACKNOWLEDGED', async () => {
    const { publish } = await connect(
      { publish: () => ({ refuse: { grpcCode: 14, reason: 'SHUTTING_DOWN', message: 'bye' } }) },
      { maxAttempts: 3 },
    );
    const error = await refusalOf(publish(validEnvelope('seizure-report')));
    expect({ code: error.code, retriable: error.retriable, attempts: error.attempts }).toEqual({
      code: 'PUBLISH_NOT_ACKNOWLEDGED',
      retriable: true,
      attempts: 3,
    });
    expect(gateway?.publishCalls).toHaveLength(3);
  });

  it('retries RATE_LIMITED no sooner than the RetryInfo delay, but not other RESOURCE_EXHAUSTED', async () => {
    const rateLimited = { grpcCode: 8, reason: 'RATE_LIMITED', message: 'slow', retryDelayMs: 150 };
    const { publish } = await connect({
      publish: (envelope, attempt) =>
        envelope.caseReference === 'too-large'
          ? { refuse: { grpcCode: 8, reason: 'PAYLOAD_TOO_LARGE', message: 'big' } }
          : attempt === 1
            ? { refuse: rateLimited }
            : { ack: ackFor(envelope.messageId) },
    });
    const started = Date.now();
    await publish(validEnvelope('seizure-report'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const error = await refusalOf(
      publish(validEnvelope('seizure-report', { caseReference: 'too-large' })),
    );
    expect(error.retriable).toBe(false);
    expect(gateway?.publishCalls).toHaveLength(3);
  });

  it('fails with a retriable DEADLINE_EXCEEDED when the gateway does not answer in time', async () => {
    const { publish } = await connect({ publish: () => ({ hang: true }) });
    const error = await refusalOf(
      publish(validEnvelope('seizure-report'), { deadlineMs: 100, retry: false }),
    );
    expect(error.refusal.codeName).toBe('DEADLINE_EXCEEDED');
    expect(error.retriable).toBe(true);
  });

  it('stops retrying when the client is closed during the backoff', async () => {
    const unavailable = { grpcCode: 14, reason: 'KAFKA_UNAVAILABLE', message: 'down' };
    const publishing = (
      await connect(
        { publish: () => ({ refuse: unavailable }) },
        { initialBackoffMs: 5_000, maxBackoffMs: 5_000 },
      )
    ).publish(validEnvelope('seizure-report'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    client?.close();
    const error: unknown = await publishing.catch((rejected: unknown) => rejected);
    expect(isIntelrouteError(error, 'CLIENT_CLOSED')).toBe(true);
    expect(gateway?.publishCalls).toHaveLength(1);
  });
});
