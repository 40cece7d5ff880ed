/**
 * The baseline: what a user would write instead of the gateway, a plain idempotent producer
 * (acks=all, one request in flight) sending the records the gateway would write for the same
 * messages (same keys, headers and value sizes, each message to its 2 topics). Two clients:
 * kafkajs (the client intelroute uses) and @platformatic/kafka (to keep the client's own price
 * on record). A short search over batch size and concurrent sends finds the fastest setting,
 * which is then measured (in rounds alternating with the gateway's, see throughput.ts).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type { OutboundRecord } from '../src/kafka/record-format';
import type { BenchBroker } from './lib/broker';
import { CpuMeter, cpuPerMessage, type CpuPerMessage, type CpuUsage } from './lib/cpu-meter';
import { BENCH_SENDERS, benchEnvelope, gatewayRecords } from './lib/messages';
import { round1 } from './lib/stats';

export interface BatchSetting {
  /** Messages per sendBatch call (each message is 2 records, one per topic). */
  readonly messagesPerBatch: number;
  /** sendBatch calls awaiting their result at once. */
  readonly concurrency: number;
}

/** One measured run of the baseline. */
export interface BaselineRun {
  readonly messages: number;
  readonly msgsPerSec: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  /** CPU of the run: the producer is in the bench process. */
  readonly cpu: CpuUsage;
  /** CPU ms per message of the producer (bench process) and the broker. */
  readonly cpuMsPerMsg: CpuPerMessage;
}

export type Trial<S> = S & { readonly msgsPerSec: number };

/** Distinct messages whose records are prepared ahead and cycled through. */
const POOL_MESSAGES = 1024;

/** A producer client as the baseline drives it. */
interface BaselineClient {
  /** Resolves once every record is acknowledged by all in-sync replicas. */
  send(records: readonly OutboundRecord[]): Promise<void>;
  close(): Promise<void>;
}

export class BaselineProducer {
  private constructor(
    private readonly client: BaselineClient,
    private readonly pool: readonly OutboundRecord[][],
    private readonly brokerPid: number | undefined,
  ) {}

  /** The kafkajs baseline, connected, its records encoded (see recordPool). */
  static async open(
    broker: BenchBroker,
    prefix: string,
    payload: Buffer,
  ): Promise<BaselineProducer> {
    const producer = broker.client('intelroute-bench-baseline').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return new BaselineProducer(kafkajsClient(producer), recordPool(prefix, payload), broker.pid);
  }

  /** The same baseline on @platformatic/kafka (idempotent, acks=all, one request in flight). */
  static async openPlatformatic(
    broker: BenchBroker,
    prefix: string,
    payload: Buffer,
  ): Promise<BaselineProducer> {
    // ESM only: loaded with import(), which the CommonJS build keeps as is.
    const { Producer } = await import('@platformatic/kafka');
    const producer = new Producer({
      clientId: 'intelroute-bench-platformatic',
      bootstrapBrokers: [...broker.brokers],
      idempotent: true,
      autocreateTopics: false,
    });
    // Its idempotent producer keeps one request in flight per send call only: concurrent send
    // calls broke the sequence (a broker error in one run of two), so sends are queued here.
    let queue: Promise<unknown> = Promise.resolve();
    const send = async (records: readonly OutboundRecord[]): Promise<void> => {
      const messages = records.map((r) => ({
        topic: r.topic,
        key: r.key,
        value: r.value,
        // Its default serialisers take header names and values as Buffers.
        headers: new Map(
          Object.entries(r.headers).map(([name, text]) => [Buffer.from(name), Buffer.from(text)]),
        ),
      }));
      await producer.send({ messages, acks: -1 });
    };
    const client: BaselineClient = {
      send: (records) => {
        const sent = queue.then(() => send(records));
        queue = sent.catch(() => undefined);
        return sent;
      },
      // A close that hangs must not hold the bench: it has its figures by then.
      close: () => Promise.race([producer.close(), sleep(5000)]),
    };
    return new BaselineProducer(client, recordPool(prefix, payload), broker.pid);
  }

  /** Warms up, tries every setting on `messages`, and returns them fastest first. */
  async search(
    settings: readonly BatchSetting[],
    messages: number,
    log: (line: string) => void,
  ): Promise<Trial<BatchSetting>[]> {
    await this.produce({ messagesPerBatch: 100, concurrency: 1 }, messages);
    const trials: Trial<BatchSetting>[] = [];
    for (const setting of settings) {
      const { msgsPerSec } = await this.produce(setting, messages);
      trials.push({ ...setting, msgsPerSec });
      log(`  baseline trial ${describeSetting(setting)}: ${msgsPerSec} msg/s`);
    }
    return trials.sort((a, b) => b.msgsPerSec - a.msgsPerSec);
  }

  /** Measures `messages` with `setting`, with the CPU of this process and the broker. */
  async measure(setting: BatchSetting, messages: number): Promise<BaselineRun> {
    const meter = new CpuMeter({ broker: this.brokerPid });
    const run = await this.produce(setting, messages);
    const cpu = meter.stop();
    return { messages, ...run, cpu, cpuMsPerMsg: cpuPerMessage(cpu, messages) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Sends `count` messages as `concurrency` loops, each sending one batch at a time. */
  private async produce(
    setting: BatchSetting,
    count: number,
  ): Promise<{ msgsPerSec: number; recordsPerSec: number; mbPerSec: number }> {
    let next = 0;
    let bytes = 0;
    const loop = async (): Promise<void> => {
      while (next < count) {
        const size = Math.min(setting.messagesPerBatch, count - next);
        const first = next;
        next += size;
        const records: OutboundRecord[] = [];
        for (let i = 0; i < size; i += 1) {
          records.push(...(this.pool[(first + i) % POOL_MESSAGES] ?? []));
        }
        bytes += records.reduce((sum, r) => sum + r.value.length + r.key.length, 0);
        await this.client.send(records);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: setting.concurrency }, loop));
    const seconds = (performance.now() - start) / 1000;
    return {
      msgsPerSec: Math.round(count / seconds),
      recordsPerSec: Math.round((count * 2) / seconds),
      mbPerSec: round1(bytes / seconds / 1e6),
    };
  }
}

export function describeSetting(setting: BatchSetting): string {
  return `${setting.messagesPerBatch} msg/batch x ${setting.concurrency} concurrent`;
}

/**
 * The records of POOL_MESSAGES distinct messages, encoded before any clock starts: the baseline
 * pays for producing only, which makes it the harder comparison for the gateway (which decodes,
 * validates and encodes every message).
 */
function recordPool(prefix: string, payload: Buffer): OutboundRecord[][] {
  return Array.from({ length: POOL_MESSAGES }, (_, i) =>
    gatewayRecords(
      benchEnvelope(BENCH_SENDERS[i % BENCH_SENDERS.length] as string, payload),
      prefix,
    ),
  );
}

function kafkajsClient(producer: Producer): BaselineClient {
  return {
    send: async (records) => {
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: byTopic(records),
      });
    },
    close: () => producer.disconnect(),
  };
}

function byTopic(records: readonly OutboundRecord[]): TopicMessages[] {
  const topics = new Map<string, Message[]>();
  for (const record of records) {
    let messages = topics.get(record.topic);
    if (messages === undefined) topics.set(record.topic, (messages = []));
    messages.push({ key: record.key, value: record.value, headers: { ...record.headers } });
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
