/**
 * Micro-benchmark of kafkajs encoding one Produce request of the shape the gateway sends: 510
 * records of ~1.3 KB with the gateway's 7 headers over 5 topics x 3 partitions, framed and read
 * as the connection writes it. Measures the patched encoder (patches/kafkajs+2.2.4.patch); run
 * `npx tsx bench/kafkajs-encode-bench.ts`.
 */
import { performance } from 'node:perf_hooks';

interface ProduceRequest {
  encode(): Promise<unknown>;
}
type ProduceV3 = (options: Record<string, unknown>) => ProduceRequest;
/** The request as the connection writes it: size, header, then the encoded request. */
type Frame = (options: {
  correlationId: number;
  clientId: string;
  request: ProduceRequest;
}) => Promise<{ bufferParts(): Buffer[] }>;

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's internal encoder */
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as ProduceV3;
const frame = require('kafkajs/src/protocol/request') as Frame;
/* eslint-enable @typescript-eslint/no-require-imports */

const RECORDS_PER_PARTITION = 34;
const headers = {
  'message-id': '0f8e4c1a-7b2d-4e59-9a63-2d1c5b7e8f90',
  'message-type': 'online-vendor-report',
  'schema-version': '1',
  origin: 'ncb:FR',
  'content-type': 'application/x-protobuf; messageType=intelroute.v1.Envelope',
  sender: 'urn:intelroute:ncb:FR',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

const value = Buffer.alloc(1300, 7);
const topicData = ['a', 'b', 'c', 'd', 'e'].map((topic) => ({
  topic,
  partitions: [0, 1, 2].map((partition) => ({
    partition,
    firstSequence: 0,
    messages: Array.from({ length: RECORDS_PER_PARTITION }, (_, i) => ({
      key: Buffer.from(`case-${i}`),
      value,
      headers,
      timestamp: Date.now(),
    })),
  })),
}));

function request(): ProduceRequest {
  return produceV3({
    acks: -1,
    timeout: 30_000,
    transactionalId: 'bench',
    producerId: 1,
    producerEpoch: 0,
    compression: 0,
    topicData,
  });
}

/** Encodes the request and takes the parts the connection writes to the socket (not joined). */
async function encodeForTheSocket(): Promise<number> {
  const framed = await frame({ correlationId: 1, clientId: 'bench', request: request() });
  let bytes = 0;
  for (const part of framed.bufferParts()) bytes += part.length;
  return bytes;
}

async function main(): Promise<void> {
  const records = 5 * 3 * RECORDS_PER_PARTITION;
  for (let i = 0; i < 50; i += 1) await encodeForTheSocket();
  const rounds = 300;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) await encodeForTheSocket();
  const msPerRequest = (performance.now() - start) / rounds;
  const usPerRecord = Math.round((msPerRequest / records) * 1000 * 10) / 10;
  process.stdout.write(`${JSON.stringify({ name: 'kafkajs-encode', records, usPerRecord })}\n`);
}

void main();
