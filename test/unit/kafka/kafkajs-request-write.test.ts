import { Duplex } from 'node:stream';

// The connection patched into kafkajs (patches/kafkajs+2.2.4.patch) writes a request as the parts
// its encoder holds, corked into one write, instead of joining them into one more copy of the
// whole request: the bytes on the socket must be exactly the joined frame's.
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's internal network modules */
interface KafkajsConnection {
  connect(): Promise<boolean>;
  send(options: { request: unknown; response: unknown }): Promise<unknown>;
  disconnect(): Promise<boolean>;
}
const Connection = require('kafkajs/src/network/connection') as new (
  options: Record<string, unknown>,
) => KafkajsConnection;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger(options: { level: number; logCreator: () => () => void }): unknown;
  LEVELS: { NOTHING: number };
};
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as (
  options: Record<string, unknown>,
) => unknown;
const produceV3Response = require('kafkajs/src/protocol/requests/produce/v3/response') as unknown;
const frame = require('kafkajs/src/protocol/request') as (options: {
  correlationId: number;
  clientId: string;
  request: unknown;
}) => Promise<{ readonly buffer: Buffer; bufferParts(): Buffer[] }>;
/* eslint-enable @typescript-eslint/no-require-imports */

/** A socket that keeps what each write call handed it. */
class RecordingSocket extends Duplex {
  readonly calls: Buffer[][] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.calls.push([chunk]);
    done();
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, done: () => void): void {
    this.calls.push(chunks.map(({ chunk }) => chunk));
    done();
  }
  unref(): this {
    return this;
  }
}

/** Acks 0: the connection writes the request and expects no answer. */
function produceRequest(): unknown {
  const message = (i: number, size: number) => ({
    key: Buffer.from(`case-${i}`),
    value: Buffer.alloc(size, i),
    headers: { 'message-id': `id-${i}`, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
    timestamp: 1_700_000_000_000 + i,
  });
  return produceV3({
    acks: 0,
    timeout: 1000,
    transactionalId: 'writer',
    producerId: 7,
    producerEpoch: 1,
    compression: 0,
    topicData: ['inbox', 'audit'].map((topic) => ({
      topic,
      partitions: [0, 1].map((partition) => ({
        partition,
        firstSequence: 3,
        messages: [message(1, 1500), message(2, 40), message(3, 4000), message(4, 1024)],
      })),
    })),
  });
}

describe('kafkajs request write (patched)', () => {
  it('writes the bytes of the joined frame, as the parts of one corked write', async () => {
    const socket = new RecordingSocket();
    const connection = new Connection({
      host: 'broker',
      port: 9092,
      clientId: 'test',
      logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
      socketFactory: ({ onConnect }: { onConnect: () => void }) => {
        setImmediate(onConnect);
        return socket;
      },
      requestTimeout: 1000,
      connectionTimeout: 1000,
    });
    await connection.connect();
    try {
      await connection.send({ request: produceRequest(), response: produceV3Response });
    } finally {
      await connection.disconnect();
    }

    const expected = await frame({ correlationId: 0, clientId: 'test', request: produceRequest() });
    expect(expected.bufferParts().length).toBeGreaterThan(1); // large values kept by reference
    expect(socket.calls).toHaveLength(1);
    expect(socket.calls[0]!.length).toBeGreaterThan(1);
    expect(Buffer.concat(socket.calls[0]!)).toEqual(expected.buffer);
  });
});
